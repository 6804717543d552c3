package transport

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

func TestResolveEndpoint(t *testing.T) {
	ok := []struct{ region, network, endpoint, scheme, host string }{
		{"cn-hangzhou", "", "", "https", "kms.cn-hangzhou.aliyuncs.com"},
		{"cn-hangzhou", "public", "", "https", "kms.cn-hangzhou.aliyuncs.com"},
		{"cn-shanghai", "vpc", "", "https", "kms-vpc.cn-shanghai.aliyuncs.com"},
		{"cn-shanghai-finance-1", "vpc", "", "https", "kms-vpc.cn-shanghai-finance-1.aliyuncs.com"},
		{"", "", "https://kst-abc.cryptoservice.kms.aliyuncs.com", "https", "kst-abc.cryptoservice.kms.aliyuncs.com"},
		{"", "", "http://127.0.0.1:8080", "http", "127.0.0.1:8080"},
		{"", "", "http://127.0.0.1:8080/", "http", "127.0.0.1:8080"},
		{"", "", "http://[::1]:9", "http", "[::1]:9"},
		{"ignored", "ignored", "kms.example.com", "https", "kms.example.com"},
		{"", "", "kms.example.com:8443", "https", "kms.example.com:8443"},
	}
	for _, tc := range ok {
		scheme, host, err := ResolveEndpoint("kms", tc.region, tc.network, tc.endpoint)
		require.NoError(t, err, "%+v", tc)
		assert.Equal(t, tc.scheme, scheme)
		assert.Equal(t, tc.host, host)
	}
	bad := []struct{ region, network, endpoint, field string }{
		{"", "", "", "Options.Region"},
		{"cn hangzhou", "", "", "Options.Region"},
		{"cn-hangzhou.evil.com/", "", "", "Options.Region"},
		{"cn-hangzhou", "intranet", "", "Options.Network"},
		{"", "", "ftp://host", "Options.Endpoint"},
		{"", "", "https://", "Options.Endpoint"},
		{"", "", "https://user:pw@host", "Options.Endpoint"},
		{"", "", "https://host/path", "Options.Endpoint"},
		{"", "", "https://host/?q=1", "Options.Endpoint"},
		{"", "", "host/path", "Options.Endpoint"},
		{"", "", "host name", "Options.Endpoint"},
		{"", "", "https://%zz", "Options.Endpoint"},
		{"", "", ":8080", "Options.Endpoint"},
	}
	for _, tc := range bad {
		_, _, err := ResolveEndpoint("kms", tc.region, tc.network, tc.endpoint)
		require.ErrorIs(t, err, signer.ErrInvalidInput, "%+v", tc)
		assert.Contains(t, err.Error(), tc.field)
		assert.NotContains(t, err.Error(), "pw@", "user info is never echoed")
	}
}

func TestRegionFromEnvironment(t *testing.T) {
	t.Setenv(RegionEnv, "ap-southeast-1")
	c, err := New(kmsService, Options{})
	require.NoError(t, err)
	assert.Equal(t, "https://kms.ap-southeast-1.aliyuncs.com", c.Endpoint())
	t.Setenv(RegionEnv, "")
	_, err = New(kmsService, Options{})
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Contains(t, err.Error(), "kms: invalid input: Options.Region: empty, and ALIBABA_CLOUD_REGION_ID is not set either")
}

func TestOptionsValidation(t *testing.T) {
	base := Options{Region: "cn-hangzhou"}
	cases := map[string]func(*Options){
		"RetryMaxAttempts": func(o *Options) { o.RetryMaxAttempts = -1 },
		"RetryMaxBackoff":  func(o *Options) { o.RetryMaxBackoff = -time.Second },
		"AttemptTimeout":   func(o *Options) { o.AttemptTimeout = -time.Second },
		"SignatureVersion": func(o *Options) { o.SignatureVersion = 7 },
	}
	for field, mod := range cases {
		o := base
		mod(&o)
		_, err := New(kmsService, o)
		require.ErrorIs(t, err, signer.ErrInvalidInput, field)
		assert.Contains(t, err.Error(), "Options."+field)
	}
	c, err := New(kmsService, base)
	require.NoError(t, err)
	assert.Equal(t, DefaultRetryMaxAttempts, c.s.maxAttempts)
	assert.Equal(t, DefaultRetryMaxBackoff, c.s.maxBackoff)
	assert.Equal(t, DefaultAttemptTimeout, c.s.attemptTimeout)
	assert.Equal(t, DefaultAttemptTimeout, c.s.creds.timeout, "the credentials wait is bounded too")
	assert.Same(t, DefaultHTTPClient(), c.s.http)
	std, ok := c.s.retryer.(*retry.Standard)
	require.True(t, ok, "the default policy")
	assert.Equal(t, DefaultRetryMaxAttempts, std.Options().MaxAttempts)
	assert.Equal(t, DefaultRetryMaxBackoff, std.Options().MaxBackoff)
}

func TestDefaultHTTPClient(t *testing.T) {
	hc := DefaultHTTPClient()
	assert.Zero(t, hc.Timeout, "attempts are bounded by AttemptTimeout instead")
	require.NotNil(t, hc.CheckRedirect)
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.Equal(t, 10*time.Second, tr.ResponseHeaderTimeout)
	assert.Equal(t, 100, tr.MaxIdleConnsPerHost, "a busy service keeps its connections")
	assert.Equal(t, 90*time.Second, tr.IdleConnTimeout)
	assert.Equal(t, 5*time.Second, defaultDialer.Timeout)
	assert.Equal(t, 30*time.Second, defaultDialer.KeepAlive)
	assert.Equal(t, 256, tr.MaxIdleConns)
	assert.Equal(t, 5*time.Second, tr.TLSHandshakeTimeout)
	assert.Equal(t, time.Second, tr.ExpectContinueTimeout)
	assert.NotNil(t, tr.Proxy)
}

// FuzzResolveEndpoint varies what callers control (region, network,
// endpoint); the product is one of the two the clients pass.
func FuzzResolveEndpoint(f *testing.F) {
	f.Add(false, "cn-hangzhou", "", "")
	f.Add(true, "cn-beijing", "vpc", "")
	f.Add(false, "", "", "https://kst-abc.cryptoservice.kms.aliyuncs.com/")
	f.Add(false, "", "", "http://[::1]:8080")
	f.Add(false, "x", "y", "user:pw@host:1/path?q#f")
	f.Fuzz(func(t *testing.T, isSAE bool, region, network, endpoint string) {
		product := "kms"
		if isSAE {
			product = "sae"
		}
		scheme, host, err := ResolveEndpoint(product, region, network, endpoint)
		if err != nil {
			require.ErrorIs(t, err, signer.ErrInvalidInput)
			return
		}
		require.Contains(t, []string{"http", "https"}, scheme)
		require.NotEmpty(t, host)
		require.False(t, strings.ContainsAny(host, "/?#@ \t\r\n"), "host %q", host)
		if endpoint == "" {
			require.Equal(t, "https", scheme)
			require.True(t, strings.HasSuffix(host, "."+region+".aliyuncs.com"), host)
		} else if !strings.Contains(endpoint, "://") {
			require.Equal(t, "https", scheme, "a bare host means https")
		}
	})
}
