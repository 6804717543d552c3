package transport

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// Distinctive values that must never surface in any error text, log line
// or observed event.
const (
	testAK     = "LTAItestid"
	testSecret = "SeCrEt-9f1c2e3d-value"
	testToken  = "ToKeN+/=-7a6b5c4d-value"
)

const okBody = `{"RequestId":"R-OK","SecretName":"db","SecretData":"v"}`

var (
	kmsService = Service{Name: "kms", Style: RPC, Version: "2016-01-20"}
	saeService = Service{Name: "sae", Style: ROA, Version: "2019-05-06", Envelope: true}
)

// server is an httptest server whose handler sees the 1-based number of
// the request it answers.
type server struct {
	*httptest.Server
	calls atomic.Int32
}

type handlerFunc func(n int, w http.ResponseWriter, r *http.Request)

func newServer(t *testing.T, h handlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(int(s.calls.Add(1)), w, r)
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

// sentSignature takes the signature out of a request as a gateway sees it:
// the RPC Signature parameter, or the end of the Authorization header.
func sentSignature(r *http.Request) string {
	if sig := r.URL.Query().Get("Signature"); sig != "" {
		return sig
	}
	a := r.Header.Get("Authorization")
	if i := strings.LastIndex(a, "Signature="); i >= 0 {
		return a[i+len("Signature="):]
	}
	return a[strings.LastIndex(a, ":")+1:]
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

// credentialForms are testSecret and testToken as they may come back:
// raw, percent-encoded once and twice.
func credentialForms() []string {
	var forms []string
	for _, v := range []string{testSecret, testToken} {
		once := signer.PercentEncode(v)
		forms = append(forms, v, once, signer.PercentEncode(once))
	}
	return forms
}

// assertNoSecrets fails if any credential material shows in s.
func assertNoSecrets(t *testing.T, s string, extra ...string) {
	t.Helper()
	for _, v := range append(credentialForms(), extra...) {
		require.NotContains(t, s, v)
	}
}

func newDebugLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func newInfoLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func bg() context.Context { return context.Background() }

// doerFunc adapts a function to HTTPClient.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// fakeClock is the one virtual clock of these tests: a retry policy built
// by policy reads the time from it, and its Sleep returns at once, moving
// the clock on by the wait and recording it.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func newFakeClock(now time.Time) *fakeClock { return &fakeClock{now: now} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.slept = append(f.slept, d)
	f.now = f.now.Add(d)
	return ctx.Err() == nil
}

func (f *fakeClock) Slept() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.slept...)
}

// policy returns a retry.Standard on this clock. Unless o sets Rand, every
// jitter draw is 0, so the waits are exactly the service's requested ones.
func (f *fakeClock) policy(o retry.StandardOptions) *retry.Standard {
	o.Now = f.Now
	if o.Sleep == nil {
		o.Sleep = f.Sleep
	}
	if o.Rand == nil {
		o.Rand = func(time.Duration) time.Duration { return 0 }
	}
	return retry.NewStandard(o)
}

// arrivalCtx reports, once, when a waiter first asks for its Done channel:
// the credentials guard does so only in the select where it waits for a
// retrieval, so a test knows a caller is waiting without polling.
type arrivalCtx struct {
	context.Context
	arrived chan<- struct{}
	once    sync.Once
}

func arriving(ctx context.Context, arrived chan<- struct{}) *arrivalCtx {
	return &arrivalCtx{Context: ctx, arrived: arrived}
}

func (c *arrivalCtx) Done() <-chan struct{} {
	c.once.Do(func() { c.arrived <- struct{}{} })
	return c.Context.Done()
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	require.NoError(t, err)
	return u
}
