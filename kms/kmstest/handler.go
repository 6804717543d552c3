package kmstest

import (
	"net/http"
	"sync"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/signer"
)

// Handler is the fake KMS gateway as an http.Handler: it holds the access
// keys it accepts, the secrets, the scripted faults, the rate limit and
// the request log. Its methods are safe for concurrent use.
type Handler struct {
	gw    *fakegw.Gateway
	tls   bool      // WithTLS, for NewServer
	limit RateLimit // WithRateLimit, restored by Reset

	mu      sync.Mutex
	secrets map[string]*Secret
}

type config struct {
	keys  []fakegw.Key
	now   func() time.Time
	tls   bool
	limit RateLimit
}

// Option configures NewHandler and NewServer.
type Option func(*config)

// WithAccessKey adds an access key pair the server accepts. The first key
// given is the one Client and Credentials use.
func WithAccessKey(id, secret string) Option {
	return func(c *config) { c.keys = append(c.keys, fakegw.Key{ID: id, Secret: secret}) }
}

// WithSTS adds STS credentials the server accepts: requests with this
// access key id must carry this security token.
func WithSTS(id, secret, token string) Option {
	return func(c *config) { c.keys = append(c.keys, fakegw.Key{ID: id, Secret: secret, Token: token}) }
}

// WithClock sets the server's clock, which checks request timestamps and
// fills the Date header. Default: time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTLS makes NewServer serve HTTPS with a self-signed certificate that
// the client from Client trusts. NewHandler, which does not listen,
// ignores it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// NewHandler returns the fake KMS gateway as an http.Handler, with the
// access keys of opts (default: DefaultAccessKeyID and
// DefaultAccessKeySecret) and no secrets.
func NewHandler(opts ...Option) *Handler {
	cfg := config{now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.keys) == 0 {
		cfg.keys = []fakegw.Key{{ID: DefaultAccessKeyID, Secret: DefaultAccessKeySecret}}
	}
	h := &Handler{tls: cfg.tls, limit: cfg.limit, secrets: map[string]*Secret{}}
	h.gw = &fakegw.Gateway{Product: "Kms", Style: "RPC", Keys: cfg.keys, Now: cfg.now, Action: rpcAction}
	h.gw.SetLimit(cfg.limit.bucket())
	return h
}

// rpcAction names a KMS request's operation: the Action parameter (RPC
// v1) or header (ACS3).
func rpcAction(r *http.Request) string {
	if a := r.Form.Get("Action"); a != "" {
		return a
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return a
	}
	return r.Header.Get("x-acs-action")
}

// Credentials returns a provider of the handler's first access key.
func (h *Handler) Credentials() signer.CredentialsProvider { return h.gw.Credentials() }

// Requests returns how many requests the server has received, including
// the ones it failed or rejected.
func (h *Handler) Requests() int { return h.gw.Requests() }

// Fault scripts the answer to one request. Delay waits first (ending early
// if the client gives up). Date sets the answer's Date header. Then:
//   - Reset alone drops the connection before any byte of the answer;
//   - Body (or BodySize bytes of "x") with ContentType and Status (default
//     200) is sent raw; with Reset too, the headers promise the whole body,
//     ResetAfter bytes of it are sent and the connection is dropped;
//   - Code and Message (Status default 500) are sent as the gateway's JSON error body;
//   - with none of those, the normal answer follows (so a Fault with only
//     Delay or Date changes just that).
//
// Its fields: Status int; Code, Message, Body, ContentType string;
// BodySize int; Delay time.Duration; Reset bool; ResetAfter int; Date
// time.Time. Fault is the same type in kmstest and saetest.
type Fault = fakegw.Fault

// FailNext queues faults: each of the next requests takes the next one.
func (h *Handler) FailNext(faults ...Fault) { h.gw.FailNext(faults...) }

// LoggedRequest is one request of the request log: its arrival on the
// server's clock (Time), Action ("GetSecretValue", ...; empty when the
// request names none), Style ("RPC"), the HTTP Status answered (0: the
// connection was dropped) and the error Code (empty on success). It holds
// no parameter, value or signature. It is the same type in kmstest and
// saetest.
type LoggedRequest = fakegw.LoggedRequest

// RequestLog returns the latest requests (at most 10,000), oldest first,
// faulted and throttled ones included.
func (h *Handler) RequestLog() []LoggedRequest { return h.gw.Log() }

// Reset forgets every secret, the queued faults, the request log and the
// counts (Requests, Throttled), and restores the rate limit of
// WithRateLimit (none without it), with a full bucket. The access keys and
// the clock stay, and so do the nonces seen: a request sent before the
// reset cannot be replayed after it.
func (h *Handler) Reset() {
	h.mu.Lock()
	h.secrets = map[string]*Secret{}
	h.mu.Unlock()
	h.gw.Reset(h.limit.bucket())
}

// ServeHTTP serves one KMS request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.gw.Serve(w, r, h.serve)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) {
	var (
		params map[string][]string
		e      *fakegw.Error
	)
	if fakegw.IsACS3(r) {
		params, e = h.gw.VerifyACS3(r)
	} else {
		params, e = verifyRPC(h.gw, r)
	}
	if e != nil {
		h.gw.WriteError(w, r, e.Status, e.Code, e.Message)
		return
	}
	h.dispatch(w, r, params)
}
