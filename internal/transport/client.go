package transport

import (
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// Client sends signed requests for one service. It is safe for concurrent
// use; build it with New and derive per-call variants with With.
type Client struct {
	svc   Service
	s     *settings
	clock *skewClock
}

// New validates o and returns a client for svc. It does no I/O.
func New(svc Service, o Options) (*Client, error) {
	s, err := resolve(svc, o, nil)
	if err != nil {
		return nil, err
	}
	return &Client{svc: svc, s: s, clock: &skewClock{now: time.Now}}, nil
}

// With returns a client for per-call options o. It shares the learned clock
// offset and, when o names the same credentials provider, the credentials
// guard.
func (c *Client) With(o Options) (*Client, error) {
	s, err := resolve(c.svc, o, c.s)
	if err != nil {
		return nil, err
	}
	return &Client{svc: c.svc, s: s, clock: c.clock}, nil
}

// ForCall returns tc when a call has no option overrides, and otherwise a
// client for a copy of *opts (the service client's options) as changed by
// fns, converted by toTransport. Shared by the kms and sae clients.
func ForCall[O any](tc *Client, opts *O, fns []func(*O), toTransport func(O) Options) (*Client, error) {
	if len(fns) == 0 {
		return tc, nil
	}
	o := *opts // the copy the overrides change; only this path pays for it
	for _, fn := range fns {
		fn(&o)
	}
	return tc.With(toTransport(o))
}

// SetClock replaces the local clock; for tests.
func (c *Client) SetClock(now func() time.Time) { c.clock.now = now }

// ClockOffset returns the learned difference between the service's clock
// and the local one.
func (c *Client) ClockOffset() time.Duration { return time.Duration(c.clock.offset.Load()) }

// Endpoint returns the scheme://host requests go to.
func (c *Client) Endpoint() string { return c.s.scheme + "://" + c.s.host }

// skewClock is the local clock corrected by the offset learned from the
// service's Date header after a clock-skew error.
type skewClock struct {
	now    func() time.Time
	offset atomic.Int64 // nanoseconds to add to the local clock
}

func (k *skewClock) Now() time.Time { return k.now().Add(time.Duration(k.offset.Load())) }

// Request describes one operation call.
type Request struct {
	Operation string     // API action, e.g. "GetSecretValue"
	Method    string     // HTTP method
	Path      string     // ROA resource path; RPC requests go to "/"
	Query     url.Values // operation parameters, raw
	// Check is the service's one decision whether an answer is a failure
	// (go-github's CheckResponse): it sees every answer, whatever its
	// status, and returns nil for the operation's document or the
	// *APIError that describes the failure (Service, Operation and the
	// scrubbing of credential material are the transport's). The error
	// takes part in the retry decision like any other answer. Nil:
	// CheckStatus.
	Check Checker
}

// Response is a successful answer, its body read in full.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// RequestID returns the x-acs-request-id header.
func (r *Response) RequestID() string { return r.Header.Get("X-Acs-Request-Id") }
