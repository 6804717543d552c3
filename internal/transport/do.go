package transport

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// Request describes one operation call.
type Request struct {
	Operation string     // API action, e.g. "GetSecretValue"
	Method    string     // HTTP method
	Path      string     // ROA resource path; RPC requests go to "/"
	Query     url.Values // operation parameters, raw
}

// Response is a success answer, its body read in full: a 2xx status and,
// for an Envelope service, not "Success": false. Whether the body is the
// operation's document is for the service to decide.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
}

// RequestID returns the x-acs-request-id header.
func (r *Response) RequestID() string { return r.Header.Get("X-Acs-Request-Id") }

// Do sends r, signing every attempt afresh (credentials, time, nonce) and
// retrying as the client's [retry.Retryer] allows. It returns the success
// answer or the error that ended the call: an *signer.APIError for an
// error answer, else the cause wrapped with the operation and the endpoint
// (and the context's error when ctx ended the call).
func (c *Client) Do(ctx context.Context, r *Request) (*Response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	obs := c.opts.Observer
	if obs == nil {
		return c.do(ctx, r)
	}
	call := CallInfo{Service: c.svc.Name, Operation: r.Operation}
	c.guard(ctx, "StartCall", func() {
		if octx := obs.StartCall(ctx, call); octx != nil {
			ctx = octx
		}
	})
	resp, err := c.do(ctx, r)
	c.guard(ctx, "EndCall", func() { obs.EndCall(ctx, call, err) })
	return resp, err
}

// guard calls an Observer method: a panic in it is logged at error level,
// without the panic value (which could hold anything), and the call goes on.
func (c *Client) guard(ctx context.Context, method string, call func()) {
	defer func() {
		if recover() == nil {
			return
		}
		l := c.opts.Logger
		if l == nil {
			l = slog.Default()
		}
		l.LogAttrs(ctx, slog.LevelError, "alisecret: the Observer panicked; the call goes on",
			slog.String("service", c.svc.Name), slog.String("method", method))
	}()
	call()
}

func (c *Client) do(ctx context.Context, r *Request) (*Response, error) {
	a := retry.Attempt{Number: 1}
	delay, stop := c.retryer.Delay(ctx, a) // a failing client paces even first attempts
	skewFixed := false
	for {
		if stop != nil { // the policy's verdict, named with the context when that ended its wait
			return nil, c.ctxError(ctx, r, stop)
		}
		if delay > 0 {
			if !c.retryer.Sleep(ctx, delay) {
				return nil, c.ctxError(ctx, r, a.Err)
			}
			a.Waited += delay
		}
		start := time.Now()
		resp, fatal, err := c.attempt(ctx, r, a.Number)
		var apiErr *signer.APIError
		switch {
		case errors.As(err, &apiErr) && apiErr.Class() == signer.ErrClockSkew && !skewFixed && c.clock.learn(resp.Header):
			// Signed with a time the service rejects: correct the clock
			// and try once more at once, outside the retry policy.
			skewFixed, delay = true, 0
			c.observe(ctx, r, a.Number, start, resp, err, 0)
			continue
		case err == nil:
			c.retryer.Record(nil)
			c.observe(ctx, r, a.Number, start, resp, nil, 0)
			return resp, nil
		case fatal:
			c.observe(ctx, r, a.Number, start, resp, err, 0)
			return nil, err
		case ctx.Err() != nil:
			c.observe(ctx, r, a.Number, start, resp, err, 0)
			return nil, c.ctxError(ctx, r, err)
		}
		c.retryer.Record(err)
		if kind, _ := retry.Classify(err); kind == retry.Throttled {
			a.Throttles++
		} else {
			a.Failures++
		}
		a.Number, a.Err = a.Number+1, err
		delay, stop = c.retryer.Delay(ctx, a)
		c.observe(ctx, r, a.Number-1, start, resp, err, delay)
	}
}

// attempt makes one try. It returns the success answer, or the failure:
// an *signer.APIError (with its answer) for an error answer, a transport
// error, or, with fatal, one no retry can mend (no credentials, a request
// that cannot be signed, a body over the limit).
func (c *Client) attempt(ctx context.Context, r *Request, n int) (resp *Response, fatal bool, err error) {
	creds, err := c.creds.get(ctx)
	if err != nil && ctx.Err() != nil {
		return nil, false, err // ctxError names the call
	}
	if err != nil {
		return nil, true, fmt.Errorf("%s %s: %w", c.svc.Name, r.Operation, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.attemptTimeout)
	defer cancel()
	req, err := c.sign(ctx, r, creds)
	if err != nil {
		return nil, true, fmt.Errorf("%s %s: %w", c.svc.Name, r.Operation, err)
	}
	hr, err := c.http.Do(req)
	if err == nil && hr == nil {
		err = errors.New("the HTTPClient returned neither a response nor an error")
	}
	if err != nil {
		return nil, false, c.transportError(r, req, n, err)
	}
	body, err := readBody(hr.Body, hr.ContentLength, MaxResponseBytes)
	_ = hr.Body.Close()
	if errors.Is(err, signer.ErrResponseTooLarge) {
		return nil, true, fmt.Errorf("%s %s: HTTP %d: %w", c.svc.Name, r.Operation, hr.StatusCode, err)
	}
	if err != nil {
		return nil, false, c.transportError(r, req, n, fmt.Errorf("reading response body: %w", err))
	}
	resp = &Response{StatusCode: hr.StatusCode, Header: hr.Header, Body: body}
	apiErr := c.check(resp)
	if apiErr == nil {
		return resp, false, nil
	}
	apiErr.Service, apiErr.Operation = c.svc.Name, r.Operation
	apiErr.RetryAfter = RetryAfter(resp.Header, time.Now())
	scrub(apiErr, creds.AccessKeySecret, creds.SecurityToken, signatureOf(req))
	return resp, false, apiErr
}

// check is the one decision whether an answer is an error answer: a status
// outside 2xx or, for an Envelope service (SAE), a body that says
// "Success": false. It returns the error the body describes.
func (c *Client) check(resp *Response) *signer.APIError {
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if ok && !(c.svc.Envelope && successFalse(resp.Body)) {
		return nil
	}
	return DecodeError(resp.StatusCode, resp.Header, resp.Body)
}

// sign makes the signed HTTP request for one attempt, bound to ctx.
func (c *Client) sign(ctx context.Context, r *Request, creds signer.Credentials) (*http.Request, error) {
	path := r.Path
	if c.svc.Style == RPC || path == "" {
		path = "/"
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, c.scheme+"://"+c.host+path, nil)
	if err != nil {
		return nil, err
	}
	sr := &signer.Request{Method: r.Method, Host: c.host, Path: path, Query: r.Query, Action: r.Operation, Version: c.svc.Version}
	now, nonce := c.clock.Now(), newNonce()
	switch {
	case c.opts.SignatureVersion == signer.V3:
		req.URL.RawQuery, err = signer.SignACS3(req.Header, sr, creds, now, nonce)
	case c.svc.Style == RPC:
		req.URL.RawQuery, err = signer.SignRPC(sr, creds, now, nonce)
	default:
		req.URL.RawQuery, err = signer.SignROA(req.Header, sr, creds, now, nonce)
	}
	req.Header["User-Agent"] = c.userAgent
	return req, err
}

// newNonce returns 32 lower-case hex characters of crypto randomness.
func newNonce() string {
	var b [16]byte
	rand.Read(b[:]) // never fails: crypto/rand crashes the program instead
	return hex.EncodeToString(b[:])
}

// signatureOf returns the signature a request carries (RPC: the Signature
// parameter; ROA and ACS3: in Authorization), to scrub from the answer.
func signatureOf(req *http.Request) string {
	if sig := req.URL.Query().Get("Signature"); sig != "" {
		return sig
	}
	a := req.Header.Get("Authorization")
	if i := strings.LastIndex(a, "Signature="); i >= 0 { // ACS3
		return a[i+len("Signature="):]
	}
	if i := strings.LastIndex(a, ":"); i >= 0 { // ROA v1: "acs AK:sig"
		return a[i+1:]
	}
	return ""
}

// observe tells the debug log and the Observer, if any, how attempt n
// went; resp is the answer, if one came (an error answer's too).
func (c *Client) observe(ctx context.Context, r *Request, n int, start time.Time, resp *Response, err error, delay time.Duration) {
	obs, log := c.opts.Observer, c.opts.Logger
	debug := log != nil && log.Enabled(ctx, slog.LevelDebug)
	if obs == nil && !debug {
		return
	}
	a := AttemptInfo{Service: c.svc.Name, Operation: r.Operation, Attempt: n, Latency: time.Since(start), Err: err, Delay: delay}
	if resp != nil {
		a.StatusCode, a.RequestID = resp.StatusCode, resp.RequestID()
	}
	if apiErr, ok := err.(*signer.APIError); ok {
		a.Code, a.RequestID = apiErr.Code, apiErr.RequestID
	}
	if debug {
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		log.LogAttrs(ctx, slog.LevelDebug, "alisecret: attempt", slog.String("operation", r.Operation), slog.Int("attempt", n),
			slog.Int("status", a.StatusCode), slog.String("code", a.Code), slog.String("request_id", a.RequestID),
			slog.Duration("latency", a.Latency), slog.String("error", errText), slog.Duration("next_delay", delay),
			slog.String("service", c.svc.Name))
	}
	if obs != nil {
		c.guard(ctx, "ObserveAttempt", func() { obs.ObserveAttempt(ctx, a) })
	}
}

// transportError describes a failure to get an answer. The URL is given
// without its query, which carries the signature and any security token.
func (c *Client) transportError(r *Request, req *http.Request, n int, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s %s: %s %s://%s%s (attempt %d): %w", c.svc.Name, r.Operation, req.Method, req.URL.Scheme, req.URL.Host, req.URL.Path, n, err)
}

// ctxError is the error that ends a call before its next attempt. While
// ctx is live that is last (the policy's verdict, or the failure a declined
// wait followed); once ctx has ended it is ctx's error naming the endpoint,
// keeping last, if any, in the text and for errors.Is and errors.As.
func (c *Client) ctxError(ctx context.Context, r *Request, last error) error {
	op := c.svc.Name + " " + r.Operation + " (" + c.Endpoint() + ")"
	cerr := ctx.Err()
	switch {
	case cerr == nil && last != nil:
		return last
	case cerr == nil: // a Retryer's Sleep declined the wait before the first attempt
		return fmt.Errorf("%s: the Retryer's Sleep ended the call before it was sent", op)
	case last == nil || last == cerr: // a bare context error (a wait for credentials) names nothing
		return fmt.Errorf("%s: %w", op, cerr)
	case errors.Is(last, cerr): // the attempt the context cut short says it all
		return last
	}
	return fmt.Errorf("%s: %w (last error: %w)", op, cerr, last)
}
