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

	"github.com/alisecret/alisecret-go/signer"
)

// fatalError marks a failure no retry can mend (bad credentials, a request
// that cannot be signed).
type fatalError struct{ err error }

func (e *fatalError) Error() string { return e.err.Error() }
func (e *fatalError) Unwrap() error { return e.err }

// attempt makes one try. It returns the response (also for an error answer,
// so its headers can be read), the error answer decoded, or a transport
// error.
func (c *Client) attempt(ctx context.Context, r *Request, n int) (Response, *signer.APIError, error) {
	s := c.s
	creds, err := s.creds.get(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return Response{}, nil, err
		}
		return Response{}, nil, &fatalError{fmt.Errorf("%s %s: %w", c.svc.Name, r.Operation, err)}
	}
	actx := ctx
	if s.attemptTimeout > 0 {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, s.attemptTimeout)
		defer cancel()
	}
	req, err := c.build(actx, r, creds)
	if err != nil {
		return Response{}, nil, &fatalError{fmt.Errorf("%s %s: %w", c.svc.Name, r.Operation, err)}
	}
	start := time.Now()
	httpResp, err := s.http.Do(req)
	if err != nil {
		err = c.transportError(r, req, n, err)
		c.debug(ctx, "alisecret: attempt failed", slog.String("operation", r.Operation), slog.Int("attempt", n), slog.Duration("latency", time.Since(start)), slog.String("error", err.Error()))
		return Response{}, nil, err
	}
	body, err := readBody(httpResp.Body, httpResp.ContentLength, MaxResponseBytes)
	_ = httpResp.Body.Close()
	if err != nil {
		if errors.Is(err, signer.ErrResponseTooLarge) {
			return Response{}, nil, &fatalError{fmt.Errorf("%s %s: HTTP %d: %w", c.svc.Name, r.Operation, httpResp.StatusCode, err)}
		}
		return Response{}, nil, c.transportError(r, req, n, fmt.Errorf("reading response body: %w", err))
	}
	resp := Response{StatusCode: httpResp.StatusCode, Header: httpResp.Header, Body: body}
	var apiErr *signer.APIError
	if r.Check != nil {
		apiErr = r.Check.Check(resp.StatusCode, resp.Header, body)
	} else {
		apiErr = CheckStatus(resp.StatusCode, resp.Header, body)
	}
	if apiErr != nil {
		apiErr.Service, apiErr.Operation = c.svc.Name, r.Operation
		rd := redactor{secrets: [3]string{creds.AccessKeySecret, creds.SecurityToken, signatureOf(req)}}
		rd.scrub(apiErr)
	}
	if s.logger != nil && s.logger.Enabled(ctx, slog.LevelDebug) {
		code, reqID := "", resp.Header.Get("X-Acs-Request-Id")
		if apiErr != nil {
			code, reqID = apiErr.Code, apiErr.RequestID
		}
		s.logger.LogAttrs(ctx, slog.LevelDebug, "alisecret: attempt",
			slog.String("service", c.svc.Name), slog.String("operation", r.Operation), slog.Int("attempt", n),
			slog.Int("status", resp.StatusCode), slog.String("code", code), slog.String("request_id", reqID),
			slog.Duration("latency", time.Since(start)))
	}
	return resp, apiErr, nil
}

// build makes the signed HTTP request for one attempt, bound to ctx.
func (c *Client) build(ctx context.Context, r *Request, creds signer.Credentials) (*http.Request, error) {
	s := c.s
	now := c.clock.Now()
	nonce, err := newNonce()
	if err != nil {
		return nil, err
	}
	path := r.Path
	if c.svc.Style == RPC || path == "" {
		path = "/"
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, "", nil)
	if err != nil {
		return nil, err
	}
	req.URL.Scheme, req.URL.Host, req.URL.Path, req.Host = s.scheme, s.host, path, s.host
	sr := &signer.Request{Method: r.Method, Host: s.host, Path: path, Query: r.Query, Action: r.Operation, Version: c.svc.Version}
	if c.svc.Style == RPC && s.sigVersion == signer.V1 {
		// No Accept header: Format=JSON decides, and every header costs
		// allocations in http.Client's per-request header copy.
		req.URL.RawQuery, err = signer.SignRPC(sr, creds, now, nonce)
	} else {
		// Sized for what the signer sets plus User-Agent (ACS3 8, ROA v1
		// 9; two more for STS), so the map does not grow while they are
		// set and stays one group when eight will do.
		n := 8
		if s.sigVersion != signer.V3 {
			n++
		}
		if creds.SecurityToken != "" {
			n += 2
		}
		req.Header = make(http.Header, n)
		if s.sigVersion == signer.V3 {
			req.URL.RawQuery, err = signer.SignACS3(req.Header, sr, creds, now, nonce)
		} else {
			req.URL.RawQuery, err = signer.SignROA(req.Header, sr, creds, now, nonce)
		}
	}
	if err != nil {
		return nil, err
	}
	req.Header["User-Agent"] = s.userAgent
	return req, nil
}

// signatureOf returns the signature a request carries (RPC: the Signature
// parameter; ROA and ACS3: from Authorization), for scrubbing it from what
// the service sends back. Only error paths need it.
func signatureOf(req *http.Request) string {
	if i := strings.LastIndex(req.URL.RawQuery, "&Signature="); i >= 0 {
		sig, _ := url.QueryUnescape(req.URL.RawQuery[i+len("&Signature="):])
		return sig
	}
	return signatureFromAuthorization(req.Header.Get("Authorization"))
}

// signatureFromAuthorization takes the signature out of an ROA v1
// ("acs AK:sig") or ACS3 ("...,Signature=sig") Authorization value.
func signatureFromAuthorization(a string) string {
	if i := strings.LastIndex(a, "Signature="); i >= 0 {
		return a[i+len("Signature="):]
	}
	if i := strings.LastIndex(a, ":"); i >= 0 {
		return a[i+1:]
	}
	return ""
}

// newNonce returns 32 lower-case hex characters of crypto randomness.
func newNonce() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("making a signature nonce: %w", err)
	}
	var out [32]byte
	hex.Encode(out[:], b[:])
	return string(out[:]), nil
}

// learnSkew takes the service's time from the Date header of a clock-skew
// answer and keeps the offset for every later request of this client.
func (c *Client) learnSkew(h http.Header) bool {
	server, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return false
	}
	c.clock.offset.Store(int64(server.Sub(c.clock.now())))
	return true
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

// ctxError reports that ctx ended the call, keeping the last failure, if
// any, both in the text and for errors.Is/As.
func (c *Client) ctxError(r *Request, ctx context.Context, last error) error {
	return &contextError{op: c.svc.Name + " " + r.Operation, ctxErr: ctx.Err(), last: last}
}

type contextError struct {
	op     string
	ctxErr error
	last   error
}

func (e *contextError) Error() string {
	if e.last == nil {
		return e.op + ": " + e.ctxErr.Error()
	}
	return e.op + ": " + e.ctxErr.Error() + " (last error: " + e.last.Error() + ")"
}

func (e *contextError) Unwrap() []error {
	if e.last == nil {
		return []error{e.ctxErr}
	}
	return []error{e.ctxErr, e.last}
}
