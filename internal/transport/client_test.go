package transport

import (
	"crypto/tls"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

func TestNewAppliesDefaults(t *testing.T) {
	c, err := New(kmsService, Options{Region: "cn-hangzhou"})
	require.NoError(t, err)
	assert.Equal(t, "https://kms.cn-hangzhou.aliyuncs.com", c.Endpoint())
	assert.Equal(t, DefaultAttemptTimeout, c.attemptTimeout)
	assert.Equal(t, DefaultAttemptTimeout, c.creds.timeout, "the credentials wait is bounded too")
	assert.Same(t, DefaultHTTPClient(), c.http)
	std, ok := c.retryer.(*retry.Standard)
	require.True(t, ok, "the default policy")
	assert.Equal(t, DefaultRetryMaxAttempts, std.Options().MaxAttempts)
	assert.Equal(t, DefaultRetryMaxBackoff, std.Options().MaxBackoff)
	assert.Nil(t, c.creds.provider, "nil Credentials: the default chain")

	hc := &http.Client{}
	c, err = New(kmsService, Options{Region: "cn-hangzhou", HTTPClient: hc, AttemptTimeout: time.Minute, RetryMaxAttempts: 5, RetryMaxBackoff: time.Second})
	require.NoError(t, err)
	assert.Same(t, hc, c.http)
	assert.Equal(t, time.Minute, c.attemptTimeout)
	assert.Equal(t, time.Minute, c.creds.timeout)
	std, ok = c.retryer.(*retry.Standard)
	require.True(t, ok)
	assert.Equal(t, 5, std.Options().MaxAttempts)
	assert.Equal(t, time.Second, std.Options().MaxBackoff)
}

func TestNewValidatesOptions(t *testing.T) {
	cases := []struct {
		field string
		mod   func(*Options)
		class error
	}{
		{"Options.RetryMaxAttempts", func(o *Options) { o.RetryMaxAttempts = -1 }, signer.ErrInvalidInput},
		{"Options.RetryMaxBackoff", func(o *Options) { o.RetryMaxBackoff = -time.Second }, signer.ErrInvalidInput},
		{"Options.AttemptTimeout", func(o *Options) { o.AttemptTimeout = -time.Second }, signer.ErrInvalidInput},
		{"Options.SignatureVersion", func(o *Options) { o.SignatureVersion = 7 }, signer.ErrInvalidInput},
		{"Options.Endpoint", func(o *Options) { o.Endpoint = "ftp://host" }, signer.ErrInvalidInput},
		{"Options.Network", func(o *Options) { o.Network = "intranet" }, signer.ErrInvalidInput},
		{"Options.Credentials", func(o *Options) { o.Credentials = signer.StaticCredentials("", "x", "") }, signer.ErrInvalidCredentials},
		{"Options.Credentials", func(o *Options) { o.Credentials = signer.StaticCredentials("id", "", "") }, signer.ErrInvalidCredentials},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			o := Options{Region: "cn-hangzhou"}
			tc.mod(&o)
			_, err := New(kmsService, o)
			require.ErrorIs(t, err, tc.class)
			assert.True(t, strings.HasPrefix(err.Error(), "kms: "), err.Error())
			assert.Contains(t, err.Error(), tc.field)
		})
	}
	// The limits' smallest valid values pass.
	_, err := New(kmsService, Options{Region: "cn-hangzhou", RetryMaxAttempts: 1, SignatureVersion: signer.V3})
	require.NoError(t, err)
}

func TestRegionFromEnvironment(t *testing.T) {
	t.Setenv(RegionEnv, "ap-southeast-1")
	c, err := New(kmsService, Options{})
	require.NoError(t, err)
	assert.Equal(t, "https://kms.ap-southeast-1.aliyuncs.com", c.Endpoint())
	c, err = New(kmsService, Options{Region: "cn-beijing"})
	require.NoError(t, err)
	assert.Equal(t, "https://kms.cn-beijing.aliyuncs.com", c.Endpoint(), "Options.Region wins")

	t.Setenv(RegionEnv, "")
	_, err = New(kmsService, Options{})
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Equal(t, "kms: invalid input: Options.Region: empty, and ALIBABA_CLOUD_REGION_ID is not set either", err.Error())
}

func TestOptionsReturnsACopy(t *testing.T) {
	ca := []byte("-----BEGIN CERTIFICATE-----")
	c, err := New(kmsService, Options{Region: "cn-hangzhou", InstanceCACert: ca, UserAgent: "tool/1"})
	require.NoError(t, err)
	o := c.Options()
	assert.Equal(t, "tool/1", o.UserAgent)
	assert.Equal(t, ca, o.InstanceCACert)
	o.InstanceCACert[0] = 'X'
	assert.Equal(t, byte('-'), c.Options().InstanceCACert[0], "the client's options are not changed through the copy")
}

func TestDefaultHTTPClient(t *testing.T) {
	hc := DefaultHTTPClient()
	assert.Same(t, hc, DefaultHTTPClient(), "one per process")
	assert.Zero(t, hc.Timeout, "attempts are bounded by AttemptTimeout instead")
	require.NotNil(t, hc.CheckRedirect)
	assert.ErrorIs(t, hc.CheckRedirect(nil, nil), http.ErrUseLastResponse, "a signed request is never resent elsewhere")
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.Equal(t, 10*time.Second, tr.ResponseHeaderTimeout)
	assert.Equal(t, 100, tr.MaxIdleConnsPerHost, "a busy service keeps its connections")
	assert.Equal(t, 256, tr.MaxIdleConns)
	assert.Equal(t, 90*time.Second, tr.IdleConnTimeout)
	assert.Equal(t, 5*time.Second, tr.TLSHandshakeTimeout)
	assert.NotNil(t, tr.DialContext)
	assert.NotNil(t, tr.Proxy)
}

func TestUserAgent(t *testing.T) {
	assert.True(t, strings.HasPrefix(userAgent(""), "alisecret-go/"+LibraryVersion+" (go"), userAgent(""))
	assert.True(t, strings.HasSuffix(userAgent(""), ")"), userAgent(""))
	assert.Equal(t, userAgent("")+" mytool/1.2", userAgent("mytool/1.2"))
}

// uncomparableProvider is a provider value whose type == cannot compare (a
// slice field): comparing two of them panics unless guarded.
type uncomparableProvider struct{ ids []string }

func (p uncomparableProvider) GetCredential() (*credentials.CredentialModel, error) {
	id, secret := p.ids[0], testSecret
	return &credentials.CredentialModel{AccessKeyId: &id, AccessKeySecret: &secret}, nil
}

// emptyProvider is a comparable provider value that returns an empty model.
type emptyProvider struct{}

func (emptyProvider) GetCredential() (*credentials.CredentialModel, error) {
	return &credentials.CredentialModel{}, nil
}

// A per-call variant shares the client's credentials guard (one retrieval
// for both) only when its provider is the same value as the client's.
func TestWithSharesTheCredentialsGuardOnlyForTheSameProvider(t *testing.T) {
	p := &blockingProvider{}
	uncomparable := uncomparableProvider{ids: []string{testAK}}
	cases := []struct {
		name          string
		parent, child signer.CredentialsProvider
		shared        bool
	}{
		{"the same pointer", p, p, true},
		{"another pointer to an equal value", signer.StaticCredentials("a", "b", ""), signer.StaticCredentials("a", "b", ""), false},
		{"both the default chain", nil, nil, true},
		{"the default chain, then a provider", nil, p, false},
		{"a provider, then the default chain", p, nil, false},
		{"equal comparable values", emptyProvider{}, emptyProvider{}, true},
		{"an uncomparable value, the same one", uncomparable, uncomparable, false},
		{"an uncomparable value, then a pointer", uncomparable, p, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(kmsService, Options{Region: "cn-hangzhou", Credentials: tc.parent})
			require.NoError(t, err)
			var v *Client
			require.NotPanics(t, func() {
				v, err = c.With(Options{Region: "cn-hangzhou", Credentials: tc.child})
			})
			require.NoError(t, err)
			if tc.shared {
				assert.Same(t, c.creds, v.creds)
			} else {
				assert.NotSame(t, c.creds, v.creds)
				assert.Equal(t, tc.child, v.creds.provider)
			}
		})
	}
}

// An uncomparable provider works for calls, through New and With alike.
func TestUncomparableProviderSigns(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, testAK, r.URL.Query().Get("AccessKeyId"))
		assert.True(t, verifyRPC(r, testSecret))
		writeJSON(w, 200, okBody)
	})
	p := uncomparableProvider{ids: []string{testAK}}
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p })
	v, err := c.With(c.Options())
	require.NoError(t, err)
	for _, cl := range []*Client{c, v} {
		_, err := cl.Do(bg(), getSecretRequest())
		require.NoError(t, err)
	}
	assert.Equal(t, int32(2), s.calls.Load())
}

// A per-call variant has its own limits but spends the client's retry
// budget, and shares its learned clock offset.
func TestWithSharesTheLimiterAndKeepsItsOwnLimits(t *testing.T) {
	c := newTestClient(t, kmsService, "http://127.0.0.1:1")
	o := c.Options()
	o.RetryMaxAttempts, o.RetryMaxBackoff = 7, time.Second
	v, err := c.With(o)
	require.NoError(t, err)
	assert.Same(t, c.clock, v.clock, "one learned clock offset")
	vstd, ok := v.retryer.(*retry.Standard)
	require.True(t, ok)
	assert.Equal(t, 7, vstd.Options().MaxAttempts)
	assert.Equal(t, time.Second, vstd.Options().MaxBackoff)
	own, ok := c.retryer.(*retry.Standard)
	require.True(t, ok)
	assert.Equal(t, DefaultRetryMaxAttempts, own.Options().MaxAttempts, "the client keeps its own limits")
	assert.Equal(t, time.Millisecond, own.Options().MaxBackoff)

	// The variant's calls failed: the client keeps failing, and its own
	// calls are paced by the one limiter.
	for range retry.PaceAfter {
		vstd.Record(&signer.APIError{StatusCode: 503})
	}
	d, err := own.Delay(bg(), retry.Attempt{Number: 1})
	require.NoError(t, err)
	assert.Greater(t, d, retry.PaceInterval/2, "one limiter for the client and its variant")

	// A variant of the variant still shares it.
	vv, err := v.With(o)
	require.NoError(t, err)
	vvstd, ok := vv.retryer.(*retry.Standard)
	require.True(t, ok)
	d, err = vvstd.Delay(bg(), retry.Attempt{Number: 1})
	require.NoError(t, err)
	assert.Greater(t, d, retry.PaceInterval/2)
}

// A Retryer set in the options is used as it is; a client with a Retryer
// of its own has no default limiter to share, so a variant without one
// gets a fresh default policy.
func TestRetryerOption(t *testing.T) {
	rt := retry.NewStandard(retry.StandardOptions{})
	c := newTestClient(t, kmsService, "http://127.0.0.1:1", func(o *Options) { o.Retryer = rt })
	assert.Same(t, rt, c.retryer)
	v, err := c.With(c.Options())
	require.NoError(t, err)
	assert.Same(t, rt, v.retryer)

	o := c.Options()
	o.Retryer, o.RetryMaxAttempts = nil, 4
	own, err := c.With(o)
	require.NoError(t, err)
	std, ok := own.retryer.(*retry.Standard)
	require.True(t, ok)
	assert.NotSame(t, rt, std)
	assert.Equal(t, 4, std.Options().MaxAttempts)
	for range retry.PaceAfter {
		rt.Record(&signer.APIError{StatusCode: 503})
	}
	for range 3 {
		d, err := std.Delay(bg(), retry.Attempt{Number: 1})
		require.NoError(t, err)
		require.Zero(t, d, "the custom policy's failures are not the variant's")
	}

	// A client with the default policy, and a variant with a Retryer.
	d := newTestClient(t, kmsService, "http://127.0.0.1:1")
	dv, err := d.With(Options{Endpoint: "http://127.0.0.1:1", Retryer: rt})
	require.NoError(t, err)
	assert.Same(t, rt, dv.retryer)
}

func TestWithValidates(t *testing.T) {
	c := newTestClient(t, kmsService, "http://127.0.0.1:1")
	o := c.Options()
	o.RetryMaxAttempts = -1
	_, err := c.With(o)
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Contains(t, err.Error(), "kms: invalid input: Options.RetryMaxAttempts")
	o = c.Options()
	o.Endpoint = "https://host/path"
	_, err = c.With(o)
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Contains(t, err.Error(), "Options.Endpoint")

	o = c.Options()
	o.Endpoint = "http://127.0.0.2:9"
	v, err := c.With(o)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.2:9", v.Endpoint())
	assert.Equal(t, "http://127.0.0.1:1", c.Endpoint())
}

func TestResponseRequestID(t *testing.T) {
	r := &Response{StatusCode: 200, Header: http.Header{}}
	assert.Empty(t, r.RequestID())
	r.Header.Set("X-Acs-Request-Id", "R-9")
	assert.Equal(t, "R-9", r.RequestID())
}

// A variant (a call's own options) keeps the region the client read from
// ALIBABA_CLOUD_REGION_ID at New: the environment changing later, or being
// cleared, moves no call to another region.
func TestWithKeepsTheRegionReadAtNew(t *testing.T) {
	t.Setenv(RegionEnv, "cn-hangzhou")
	c, err := New(kmsService, Options{})
	require.NoError(t, err)
	t.Setenv(RegionEnv, "cn-shanghai")
	v, err := c.With(c.Options())
	require.NoError(t, err)
	assert.Equal(t, "https://kms.cn-hangzhou.aliyuncs.com", v.Endpoint())
	t.Setenv(RegionEnv, "")
	v, err = c.With(c.Options())
	require.NoError(t, err)
	assert.Equal(t, "https://kms.cn-hangzhou.aliyuncs.com", v.Endpoint())
}
