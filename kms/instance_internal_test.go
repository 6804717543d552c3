package kms

import (
	"crypto/tls"
	"crypto/x509"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/testca"
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
			conn, err := tls.Dial("tcp", ln.Addr().String(), cfg)
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
		conn, err := tls.Dial("tcp", ln.Addr().String(), cfg)
		require.NoError(t, err)
		_ = conn.Close()
	})
}
