package transport

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

// Distinctive values that must never surface in any error text.
const (
	testAK     = "LTAItestid"
	testSecret = "SeCrEt-9f1c2e3d-value"
	testToken  = "ToKeN+/=-7a6b5c4d-value"
)

var kmsService = Service{Name: "kms", Style: RPC, Version: "2016-01-20"}
var saeService = Service{Name: "sae", Style: ROA, Version: "2019-05-06"}

// server is an httptest server whose handler sees the 1-based call number
// and whether the request's RPC v1 signature verifies against testSecret.
type server struct {
	*httptest.Server
	calls atomic.Int32
}

type handlerFunc func(n int, w http.ResponseWriter, r *http.Request)

func newServer(t *testing.T, h handlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(s.calls.Add(1))
		h(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// verifyRPC checks an RPC v1 request's signature the way the gateway does.
func verifyRPC(r *http.Request, secret string) bool {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return false
	}
	sig := q.Get("Signature")
	q.Del("Signature")
	return sig != "" && signer.RPCSignature(signer.RPCStringToSign(r.Method, signer.CanonicalQuery(q)), secret) == sig
}

func newTestClient(t *testing.T, svc Service, endpoint string, mod ...func(*Options)) *Client {
	t.Helper()
	o := Options{
		Endpoint:        endpoint,
		Credentials:     signer.StaticCredentials(testAK, testSecret, ""),
		RetryMaxBackoff: time.Millisecond,
	}
	for _, m := range mod {
		m(&o)
	}
	c, err := New(svc, o)
	require.NoError(t, err)
	return c
}

func getSecretRequest() *Request {
	return &Request{Operation: "GetSecretValue", Method: "POST", Query: url.Values{"SecretName": {"db"}}}
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// assertNoSecrets fails if any credential material shows in s.
func assertNoSecrets(t *testing.T, s string, extra ...string) {
	t.Helper()
	for _, v := range append([]string{testSecret, testToken, signer.PercentEncode(testToken), signer.PercentEncode(signer.PercentEncode(testToken))}, extra...) {
		require.NotContains(t, s, v)
	}
}

func bg() context.Context { return context.Background() }
