package transport

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// maxRetryAfter bounds a parsed wait so arithmetic on it cannot overflow;
// the retry policy caps it far lower (RetryMaxBackoff).
const maxRetryAfter = 24 * time.Hour

// RetryAfter reads the wait an answer asks for: x-acs-retry-after in
// milliseconds, else Retry-After in seconds or as an HTTP date (relative to
// now). A missing, malformed, negative or past value is zero.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("X-Acs-Retry-After")); v != "" {
		return count(v, time.Millisecond)
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return count(v, time.Second)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxRetryAfter)
	}
	return 0
}

// count reads v as a number of units, clamped to [0, maxRetryAfter];
// anything but an integer that fits int64 is zero.
func count(v string, unit time.Duration) time.Duration {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0
	}
	return time.Duration(min(max(n, 0), int64(maxRetryAfter/unit))) * unit
}

// Do sends r, re-signing every attempt with fresh credentials, time and
// nonce, and retrying as the client's retry.Retryer allows. The error is an
// *APIError for an answer from the service; for a failure to get one it
// wraps the cause (and the context's error when ctx ended the call).
func (c *Client) Do(ctx context.Context, r *Request) (resp Response, err error) {
	if obs := c.s.observer; obs != nil {
		call := CallInfo{Service: c.svc.Name, Operation: r.Operation}
		ctx = obs.StartCall(ctx, call)
		defer func() { obs.EndCall(ctx, call, err) }()
	}
	return c.do(ctx, r)
}

func (c *Client) do(ctx context.Context, r *Request) (Response, error) {
	rt := c.s.retryer
	var last *AttemptInfo // the attempt not yet reported to the observer
	var (
		a           retry.Attempt
		skewRetried bool
	)
	for {
		a.Number++
		delay, err := rt.Delay(ctx, a)
		if last != nil {
			if err == nil {
				last.Delay = delay
			}
			c.s.observer.ObserveAttempt(ctx, *last)
			last = nil
		}
		if err != nil {
			if errors.Is(ctx.Err(), context.Canceled) {
				// Cancelled while the policy waited (see retry.Standard).
				return Response{}, c.ctxError(r, ctx, a.Err)
			}
			return Response{}, err
		}
		if delay > 0 {
			c.debug(ctx, "alisecret: retrying", slog.String("operation", r.Operation), slog.Int("attempt", a.Number), slog.Duration("delay", delay))
			if !rt.Sleep(ctx, delay) {
				return Response{}, c.ctxError(r, ctx, a.Err)
			}
			a.Waited += delay
		}
		start := time.Now()
		resp, apiErr, err := c.attempt(ctx, r, a.Number)
		if apiErr != nil && errors.Is(apiErr, signer.ErrClockSkew) && !skewRetried && c.learnSkew(resp.Header) {
			// The request was signed with a time the service rejects:
			// correct the clock and try once more at once, outside the
			// retry policy.
			skewRetried = true
			c.observe(ctx, r, a.Number, start, resp, apiErr, err)
			start = time.Now()
			resp, apiErr, err = c.attempt(ctx, r, a.Number)
		}
		if c.s.observer != nil {
			info := c.info(r, a.Number, start, resp, apiErr, err)
			last = &info
		}
		switch {
		case err == nil && apiErr == nil:
			rt.Record(nil)
			if last != nil {
				c.s.observer.ObserveAttempt(ctx, *last)
			}
			return resp, nil
		case err != nil:
			if ctx.Err() != nil {
				c.flush(ctx, last)
				return Response{}, c.ctxError(r, ctx, a.Err)
			}
			var fatal *fatalError
			if errors.As(err, &fatal) {
				c.flush(ctx, last)
				return Response{}, fatal.err
			}
			a.Err = err
		default:
			apiErr.RetryAfter = RetryAfter(resp.Header, time.Now())
			a.Err = apiErr
		}
		rt.Record(a.Err)
		if kind, _ := retry.Classify(a.Err); kind == retry.Throttled {
			a.Throttles++
		} else {
			a.Failures++
		}
	}
}

func (c *Client) debug(ctx context.Context, msg string, attrs ...slog.Attr) {
	if l := c.s.logger; l != nil && l.Enabled(ctx, slog.LevelDebug) {
		l.LogAttrs(ctx, slog.LevelDebug, msg, append(attrs, slog.String("service", c.svc.Name))...)
	}
}

// info describes one attempt for the observer.
func (c *Client) info(r *Request, n int, start time.Time, resp Response, apiErr *signer.APIError, err error) AttemptInfo {
	info := AttemptInfo{Service: c.svc.Name, Operation: r.Operation, Attempt: n, Latency: time.Since(start), StatusCode: resp.StatusCode}
	switch {
	case err != nil:
		var fatal *fatalError
		if errors.As(err, &fatal) {
			err = fatal.err
		}
		info.Err = err
	case apiErr != nil:
		info.Err, info.Code, info.RequestID = apiErr, apiErr.Code, apiErr.RequestID
	default:
		info.RequestID = resp.RequestID()
	}
	return info
}

// observe reports an attempt that another follows at once.
func (c *Client) observe(ctx context.Context, r *Request, n int, start time.Time, resp Response, apiErr *signer.APIError, err error) {
	if c.s.observer != nil {
		c.s.observer.ObserveAttempt(ctx, c.info(r, n, start, resp, apiErr, err))
	}
}

// flush reports the last attempt of a call that ends without asking the
// retry policy.
func (c *Client) flush(ctx context.Context, last *AttemptInfo) {
	if last != nil {
		c.s.observer.ObserveAttempt(ctx, *last)
	}
}
