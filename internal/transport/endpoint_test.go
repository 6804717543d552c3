package transport

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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

// A region id is letters, digits, '-' and '_': each range is accepted up to
// and including its ends, and the bytes just outside them are refused.
func TestValidToken(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"", false},
		{"az", true}, {"AZ", true}, {"09", true}, {"cn-hangzhou_1", true},
		{"a", true}, {"z", true}, {"A", true}, {"Z", true}, {"0", true}, {"9", true}, {"-", true}, {"_", true},
		{"`", false}, {"{", false}, // either side of a..z
		{"@", false}, {"[", false}, // either side of A..Z
		{"/", false}, {":", false}, // either side of 0..9
		{",", false}, {".", false}, {"^", false}, // either side of - and _
		{"cn.hangzhou", false}, {"cn hangzhou", false}, {"ok\x00", false},
	}
	for _, tc := range cases {
		t.Run(tc.s, func(t *testing.T) {
			assert.Equal(t, tc.want, validToken(tc.s))
		})
	}
}
