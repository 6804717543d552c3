package kms

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/testca"
	"github.com/alisecret/alisecret-go/signer"
)

// TestTrustForRestrictsTheCAToTheInstanceHost dials a TLS listener whose
// certificate (from the instance CA) names both localhost and
// kst-1.example, under each name, with the instance's TLS settings: only
// the instance's name is trusted through the CA.
func TestTrustForRestrictsTheCAToTheInstanceHost(t *testing.T) {
	ca, err := testca.New("ca")
	require.NoError(t, err)
	cert, err := ca.Issue("kst-1.example", "localhost", "127.0.0.1")
	require.NoError(t, err)
	addr := handshakeServer(t, cert)
	certs, err := parseCAs(ca.PEM())
	require.NoError(t, err)

	tests := []struct {
		name, instance, dialName string
		ok                       bool
	}{
		{"instance name", "kst-1.example", "kst-1.example", true},
		{"other name", "kst-1.example", "localhost", false},
		{"IP address, instance by name", "kst-1.example", "", false},
		{"IP address, instance by IP", "127.0.0.1", "", true},
		{"name, instance by IP", "127.0.0.1", "localhost", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := trustFor(nil, certs, tt.instance)
			cfg.ServerName = tt.dialName
			if tt.dialName == "" {
				cfg.ServerName = "127.0.0.1" // what net/http sets for an IP: no SNI is sent
			}
			conn, err := tls.Dial("tcp", addr, cfg)
			if tt.ok {
				require.NoError(t, err)
				_ = conn.Close()
				return
			}
			var unknown x509.UnknownAuthorityError
			require.ErrorAs(t, err, &unknown)
		})
	}

	t.Run("base config kept, roots not changed", func(t *testing.T) {
		base := &tls.Config{MinVersion: tls.VersionTLS13, RootCAs: x509.NewCertPool()}
		cfg := trustFor(base, certs, "kst-1.example")
		assert.Equal(t, uint16(tls.VersionTLS13), cfg.MinVersion)
		assert.NotSame(t, base.RootCAs, cfg.RootCAs)
		assert.Nil(t, base.VerifyConnection)
		cfg.ServerName = "kst-1.example"
		conn, err := tls.Dial("tcp", addr, cfg)
		require.NoError(t, err)
		_ = conn.Close()
	})
}

// handshakeServer accepts TLS connections with cert, completes the
// handshake and closes them; it returns the address.
func handshakeServer(t *testing.T, cert tls.Certificate) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.(*tls.Conn).Handshake()
			_ = c.Close()
		}
	}()
	return ln.Addr().String()
}

// TestTrustForKeepsTheCallersTLSChoices: the CA is added beside the roots
// the caller's config had (the system roots when it had none), the
// caller's own VerifyConnection still runs, and a config that skips
// verification is not made to verify other hosts.
func TestTrustForKeepsTheCallersTLSChoices(t *testing.T) {
	ca, err := testca.New("ca")
	require.NoError(t, err)
	cert, err := ca.Issue("kst-1.example", "localhost")
	require.NoError(t, err)
	addr := handshakeServer(t, cert)
	certs, err := parseCAs(ca.PEM())
	require.NoError(t, err)
	dial := func(cfg *tls.Config, name string) error {
		cfg.ServerName = name
		conn, err := tls.Dial("tcp", addr, cfg)
		if err == nil {
			_ = conn.Close()
		}
		return err
	}

	t.Run("roots: the system's or the caller's, plus the CA", func(t *testing.T) {
		sys, err := x509.SystemCertPool()
		require.NoError(t, err)
		want := sys.Clone()
		want.AddCert(certs[0])
		// (On a machine without system roots this reduces to the CA alone.)
		assert.True(t, trustFor(nil, certs, "kst-1.example").RootCAs.Equal(want), "system roots kept")

		other, err := testca.New("other")
		require.NoError(t, err)
		otherCerts, err := parseCAs(other.PEM())
		require.NoError(t, err)
		base := &tls.Config{RootCAs: certPool(otherCerts[0])}
		got := trustFor(base, certs, "kst-1.example").RootCAs
		want = certPool(otherCerts[0])
		want.AddCert(certs[0])
		assert.True(t, got.Equal(want), "the caller's roots kept")
		assert.True(t, base.RootCAs.Equal(certPool(otherCerts[0])), "the caller's pool is not changed")
	})

	t.Run("the caller's VerifyConnection runs after ours", func(t *testing.T) {
		refuse := errors.New("refused by the caller")
		var seen []string
		base := &tls.Config{VerifyConnection: func(cs tls.ConnectionState) error {
			seen = append(seen, cs.ServerName)
			return refuse
		}}
		cfg := trustFor(base, certs, "kst-1.example")
		require.ErrorIs(t, dial(cfg, "kst-1.example"), refuse)
		var unknown x509.UnknownAuthorityError
		require.ErrorAs(t, dial(cfg, "localhost"), &unknown, "ours refuses first")
		assert.Equal(t, []string{"kst-1.example"}, seen)
	})

	t.Run("InsecureSkipVerify: nothing restricted", func(t *testing.T) {
		cfg := trustFor(&tls.Config{InsecureSkipVerify: true}, certs, "kst-1.example") //nolint:gosec // the case under test
		assert.Nil(t, cfg.VerifyConnection)
		require.NoError(t, dial(cfg, "localhost"))
	})

	t.Run("no peer certificate", func(t *testing.T) {
		require.Error(t, verifyChain(tls.ConnectionState{ServerName: "kst-1.example"}, nil))
	})
}

func certPool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// TestParseCAsNamesTheBlock: the errors count PEM blocks from 1, so the
// caller can find the bad one in a bundle.
func TestParseCAsNamesTheBlock(t *testing.T) {
	ca, err := testca.New("ca")
	require.NoError(t, err)
	good := string(ca.PEM())
	tests := []struct{ pem, want string }{
		{"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", `PEM block 1 is a "PRIVATE KEY"`},
		{good + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", `PEM block 2 is a "PRIVATE KEY"`},
		{"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "certificate 1 does not parse"},
		{good + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "certificate 2 does not parse"},
		{good + "trailing", "text after certificate 1 is not PEM"},
		{good + " \n\t", ""},
		{"", "no PEM certificate found"},
	}
	for _, tt := range tests {
		certs, err := parseCAs([]byte(tt.pem))
		if tt.want == "" {
			require.NoError(t, err)
			assert.Len(t, certs, 1)
			continue
		}
		require.ErrorIs(t, err, signer.ErrInvalidInput)
		assert.ErrorContains(t, err, tt.want)
	}
}

// A per-call option reuses the instance's connections only when its
// HTTPClient is the client's own: both unset, or the same *http.Client.
func TestSameHTTPClient(t *testing.T) {
	a, b := &http.Client{}, &http.Client{}
	var notHTTP doer
	for _, tc := range []struct {
		name string
		x, y HTTPClient
		want bool
	}{
		{"both unset", nil, nil, true},
		{"unset, set", nil, a, false},
		{"set, unset", a, nil, false},
		{"the same", a, a, true},
		{"two clients", a, b, false},
		{"not an *http.Client", notHTTP, notHTTP, false},
	} {
		assert.Equal(t, tc.want, sameHTTPClient(tc.x, tc.y), tc.name)
	}
}

type doer struct{}

func (doer) Do(*http.Request) (*http.Response, error) { return nil, errors.New("unused") }
