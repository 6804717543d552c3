package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw/sdkreplay"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
)

// trusting returns an HTTP client that trusts only the CA in the PEM file.
func trusting(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pem), "a PEM certificate")
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// With -tls the server speaks HTTPS with a certificate from the CA it
// wrote to -ca-out, for 127.0.0.1 and localhost (and -tls-hosts); a client
// that trusts only that CA reads secrets and drives the control API.
func TestTLS(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	p := start(t, "-tls", "-ca-out", caFile, "-tls-hosts", "fakeserver.test")
	require.True(t, strings.HasPrefix(p.URL, "https://127.0.0.1:"), p.URL)
	hc := trusting(t, caFile)

	status, _ := control(t, hc, "GET", p.URL+"/_fake/requests", nil)
	assert.Equal(t, http.StatusOK, status)
	kc := kmsClient(t, p.URL, func(o *kms.Options) { o.HTTPClient = hc })
	out, err := value(t, kc, "prod/db-password", "")
	require.NoError(t, err)
	assert.Equal(t, "n3w-Pa55w0rd!", out.SecretData)
	sc := saeClient(t, p.URL, func(o *sae.Options) { o.HTTPClient = hc })
	_, err = sc.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: 16})
	require.NoError(t, err)

	port := p.URL[strings.LastIndex(p.URL, ":")+1:]
	for _, host := range []string{"localhost", "fakeserver.test"} {
		dialer := &net.Dialer{}
		named := trusting(t, caFile)
		named.Transport.(*http.Transport).DialContext = func(c context.Context, network, _ string) (net.Conn, error) {
			return dialer.DialContext(c, network, "127.0.0.1:"+port)
		}
		resp, err := named.Get("https://" + host + ":" + port + "/_fake/requests")
		require.NoError(t, err, host)
		_ = resp.Body.Close()
	}

	_, err = http.Get(p.URL + "/_fake/requests")
	var unknownCA x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknownCA, "the system roots do not know the CA")

	other := filepath.Join(t.TempDir(), "other.pem")
	start(t, "-tls", "-ca-out", other)
	_, err = trusting(t, other).Get(p.URL + "/_fake/requests")
	require.ErrorAs(t, err, &unknownCA, "each start makes its own CA")
}

// The official SDKs' and the aliyun CLI's request shapes, over plain HTTP
// and over TLS: served with the seed's key, refused with a wrong one.
func TestOfficialShapes(t *testing.T) {
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	servers := map[string]struct {
		p  *process
		hc *http.Client
	}{
		"http":  {start(t), http.DefaultClient},
		"https": {start(t, "-tls", "-ca-out", caFile), nil},
	}
	https := servers["https"]
	https.hc = trusting(t, caFile)
	servers["https"] = https
	key := sdkreplay.Key{ID: seedKeyID, Secret: seedKeySecret}
	sts := sdkreplay.Key{ID: "STS.fakeserverTest", Secret: "fakeserver-sts-secret", Token: "CAIS+sts/token=="}
	for name, srv := range servers {
		for file, k := range map[string]sdkreplay.Key{
			"../../kms/kmstest/testdata/sdk_requests.json":     key,
			"../../sae/saetest/testdata/sdk_requests.json":     key,
			"../../kms/kmstest/testdata/sdk_requests_sts.json": sts,
			"../../sae/saetest/testdata/sdk_requests_sts.json": sts,
		} {
			t.Run(name+" "+filepath.Base(filepath.Dir(filepath.Dir(file)))+" "+filepath.Base(file), func(t *testing.T) {
				sdkreplay.CheckAll(t, file, srv.p.URL, srv.hc, k, time.Now)
			})
		}
	}
}

// A keep-alive connection left idle is closed by the server after
// -idle-timeout.
func TestIdleConnectionIsClosed(t *testing.T) {
	p := start(t, "-idle-timeout", "100ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /_fake/requests HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.NotEqual(t, "close", resp.Header.Get("Connection"), "kept alive")
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second))) // a guard against a hang, not a measurement
	_, err = r.ReadByte()
	require.ErrorIs(t, err, io.EOF, "closed by the server, not by the guard")
}

// A request whose headers do not come in time is dropped.
func TestSlowHeadersAreDropped(t *testing.T) {
	p := start(t, "-read-timeout", "100ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /_fake/requests HTTP/1.1\r\nHost: x\r\n") // and never the blank line
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(20*time.Second))) // a guard against a hang, not a measurement
	_, err = io.ReadAll(conn)
	require.NoError(t, err, "closed by the server, not by the guard")
}

// SIGTERM stops the server at once with connections open that carry no
// request (one that never sent a byte, one idle after a request), and it
// exits 0.
func TestStopWithOpenConnections(t *testing.T) {
	p := start(t)
	addr := strings.TrimPrefix(p.URL, "http://")
	silent, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer silent.Close()
	idle, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer idle.Close()
	_, err = io.WriteString(idle, "GET /_fake/requests HTTP/1.1\r\nHost: x\r\n\r\n")
	require.NoError(t, err)
	r := bufio.NewReader(idle)
	resp, err := http.ReadResponse(r, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)

	p.stop(t)
	for name, c := range map[string]io.Reader{"silent": silent, "idle": r} {
		require.NoError(t, silent.SetReadDeadline(time.Now().Add(20*time.Second))) // guards
		require.NoError(t, idle.SetReadDeadline(time.Now().Add(20*time.Second)))
		_, err := io.ReadAll(c)
		require.NoError(t, err, "%s: closed by the server", name)
	}
}
