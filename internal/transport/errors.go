package transport

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/signer"
)

// optionError reports a bad option, naming it; it matches
// signer.ErrInvalidInput.
func optionError(field, format string, args ...any) error {
	return fmt.Errorf("%w: Options.%s: %s", signer.ErrInvalidInput, field, fmt.Sprintf(format, args...))
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

// ctxError reports that ctx ended the call, naming the endpoint it was
// waiting on and keeping the last failure, if any, both in the text and
// for errors.Is and errors.As.
func (c *Client) ctxError(ctx context.Context, r *Request, last error) error {
	if last == ctx.Err() { // a bare context error (a wait for credentials) names nothing
		last = nil
	}
	return &contextError{op: c.svc.Name + " " + r.Operation + " (" + c.Endpoint() + ")", ctxErr: ctx.Err(), last: last}
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
	if errors.Is(e.last, e.ctxErr) { // the attempt the context cut short says it all
		return e.last.Error()
	}
	return e.op + ": " + e.ctxErr.Error() + " (last error: " + e.last.Error() + ")"
}

func (e *contextError) Unwrap() []error {
	if e.last == nil {
		return []error{e.ctxErr}
	}
	return []error{e.ctxErr, e.last}
}

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
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxRetryAfter)
	}
	return count(v, time.Second)
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

// scrub replaces the access key secret, the security token and the
// signature of one attempt in every text field of e, raw, percent-encoded
// and percent-encoded twice (the form they take inside an RPC string to
// sign that SignatureDoesNotMatch quotes). Values shorter than six bytes
// are left alone: real ones are far longer, and replacing a one-letter
// test value everywhere would garble every message.
func scrub(e *signer.APIError, secrets ...string) {
	for _, v := range secrets {
		if len(v) < 6 {
			continue
		}
		once := signer.PercentEncode(v)
		r := strings.NewReplacer(v, "[redacted]", once, "[redacted]", signer.PercentEncode(once), "[redacted]")
		for _, f := range []*string{&e.Code, &e.Message, &e.RequestID, &e.HostID, &e.Recommend, &e.TraceID} {
			*f = r.Replace(*f)
		}
	}
}
