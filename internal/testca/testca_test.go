package testca

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A certificate the CA issues is trusted by a client that trusts only the
// CA's PEM, for each loopback name, and by no other CA.
func TestIssuedCertificateIsTrustedThroughThePEM(t *testing.T) {
	ca, err := New("test CA")
	require.NoError(t, err)
	cert, err := ca.Issue(append(Loopback, "fake.test")...)
	require.NoError(t, err)
	hs := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	hs.StartTLS()
	defer hs.Close()
	_, port, err := net.SplitHostPort(hs.Listener.Addr().String())
	require.NoError(t, err)

	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(ca.PEM()))
	for _, host := range []string{"127.0.0.1", "localhost", "fake.test"} {
		c := &http.Client{Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: host},
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
			},
		}}
		resp, err := c.Get("https://" + net.JoinHostPort(host, port) + "/")
		require.NoError(t, err, host)
		_ = resp.Body.Close()
	}

	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(Validity), leaf.NotAfter, time.Minute)
	other, err := New("other CA")
	require.NoError(t, err)
	_, err = leaf.Verify(x509.VerifyOptions{Roots: other.Pool(), DNSName: "localhost"})
	require.Error(t, err)
	_, err = leaf.Verify(x509.VerifyOptions{Roots: ca.Pool(), DNSName: "localhost"})
	require.NoError(t, err)
	_, err = ca.Issue()
	require.Error(t, err)
}
