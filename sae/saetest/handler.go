package saetest

import (
	"net/http"
	"sync"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// Handler is the fake SAE gateway as an http.Handler: it holds the access
// keys it accepts, the secrets and namespaces, the scripted faults, the
// rate limit and the request log. Its methods are safe for concurrent use.
type Handler struct {
	gw    *fakegw.Gateway
	tls   bool      // WithTLS, for NewServer
	limit RateLimit // WithRateLimit, restored by Reset

	mu         sync.Mutex
	secrets    map[int64]*Secret
	namespaces map[string]bool
	nextID     int64
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

// WithSTS adds STS credentials: requests with this access key id must carry
// this security token.
func WithSTS(id, secret, token string) Option {
	return func(c *config) { c.keys = append(c.keys, fakegw.Key{ID: id, Secret: secret, Token: token}) }
}

// WithClock sets the server's clock. Default: time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTLS makes NewServer serve HTTPS with a certificate the client from
// Client trusts. NewHandler, which does not listen, ignores it.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// NewHandler returns the fake SAE gateway as an http.Handler, with the
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
	h := &Handler{tls: cfg.tls, limit: cfg.limit, secrets: map[int64]*Secret{}, namespaces: map[string]bool{}}
	h.gw = &fakegw.Gateway{Product: "sae", Style: "ROA", Keys: cfg.keys, Now: cfg.now, WriteFault: h.writeEnvelopeError, Action: roaAction}
	h.gw.SetLimit(cfg.limit.bucket())
	return h
}

// Credentials returns a provider of the handler's first access key.
func (h *Handler) Credentials() signer.CredentialsProvider { return h.gw.Credentials() }

// Requests returns how many requests the server has received.
func (h *Handler) Requests() int { return h.gw.Requests() }

// Fault scripts the answer to one request. Delay waits first (ending early
// if the client gives up). Date sets the answer's Date header. Then:
//   - Reset alone drops the connection before any byte of the answer;
//   - Body (or BodySize bytes of "x") with ContentType and Status (default
//     200) is sent raw; with Reset too, the headers promise the whole body,
//     ResetAfter bytes of it are sent and the connection is dropped;
//   - Code and Message (Status default 500) are sent as SAE's envelope ("Success": false, ErrorCode); Status 200 with a
//     Code gives the HTTP 200 failure SAE can send;
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
// server's clock (Time), Action ("DescribeSecret" or "ListSecrets", from
// the path when the request names none; empty for another path), Style
// ("ROA"), the HTTP Status answered (0: the connection was dropped) and
// the error Code (empty on success). It holds no parameter, value or
// signature. It is the same type in kmstest and saetest.
type LoggedRequest = fakegw.LoggedRequest

// RequestLog returns the latest requests (at most 10,000), oldest first,
// faulted and throttled ones included.
func (h *Handler) RequestLog() []LoggedRequest { return h.gw.Log() }

// Reset forgets every secret and namespace, the queued faults, the request
// log and the counts (Requests, Throttled), and restores the rate limit of
// WithRateLimit (none without it), with a full bucket. Ids are assigned
// from 1 again. The access keys and the clock stay, and so do the nonces
// seen: a request sent before the reset cannot be replayed after it.
func (h *Handler) Reset() {
	h.mu.Lock()
	h.secrets, h.namespaces, h.nextID = map[int64]*Secret{}, map[string]bool{}, 0
	h.mu.Unlock()
	h.gw.Reset(h.limit.bucket())
}

// RateLimit makes the server shed load as an API gateway does: requests
// above Rate per second are answered HTTP 429 with code
// Rejected.Throttling, before any other check.
type RateLimit struct {
	Rate       float64       // requests admitted per second, on the server's clock; zero or less: no limit
	Burst      int           // admitted at once after a quiet spell; zero: one second's worth (Rate, at least 1)
	RetryAfter time.Duration // when positive, sent with each 429 as x-acs-retry-after (milliseconds)
}

func (l RateLimit) bucket() *fakegw.RateLimit {
	if l.Rate <= 0 {
		return nil
	}
	return &fakegw.RateLimit{Rate: l.Rate, Burst: l.Burst, RetryAfter: l.RetryAfter}
}

// WithRateLimit sheds the requests above l.Rate per second with HTTP 429
// Rejected.Throttling. A Rate of zero or less leaves the server unlimited.
func WithRateLimit(l RateLimit) Option { return func(c *config) { c.limit = l } }

// SetRateLimit replaces the rate limit from now on, with a full bucket; a
// Rate of zero or less removes it.
func (h *Handler) SetRateLimit(l RateLimit) { h.gw.SetLimit(l.bucket()) }

// Throttled returns how many requests the rate limit shed.
func (h *Handler) Throttled() int { return h.gw.Throttled() }

// operation is the SAE operation a gateway routes method and path to, or
// "" for none.
func operation(method, path string) string {
	if method != http.MethodGet {
		return ""
	}
	switch path {
	case sae.DescribeSecretPath:
		return "DescribeSecret"
	case sae.ListSecretsPath:
		return "ListSecrets"
	}
	return ""
}

// roaAction names a request's operation for the log: x-acs-action, or
// the one of its method and path.
func roaAction(r *http.Request) string {
	if a := r.Header.Get("x-acs-action"); a != "" {
		return a
	}
	return operation(r.Method, r.URL.Path)
}

// ServeHTTP serves one SAE request.
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
		params, e = h.verifyROA(r)
	}
	if e != nil {
		h.gw.WriteError(w, r, e.Status, e.Code, e.Message)
		return
	}
	get := func(k string) string {
		if vs := params[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	op := operation(r.Method, r.URL.Path)
	switch action := get("Action"); {
	case get("Version") != sae.APIVersion:
		h.gw.WriteError(w, r, 400, "InvalidVersion", "Specified parameter Version is not valid.")
	case op == "" || action != "" && action != op:
		h.gw.WriteError(w, r, 404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	case op == "DescribeSecret":
		h.describeSecret(w, r, get)
	default:
		h.listSecrets(w, r, get)
	}
}
