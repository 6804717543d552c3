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
// waiting on and keeping the last failure, if any, in the text and for
// errors.Is and errors.As.
func (c *Client) ctxError(ctx context.Context, r *Request, last error) error {
	op := c.svc.Name + " " + r.Operation + " (" + c.Endpoint() + ")"
	switch {
	case last == nil || last == ctx.Err(): // a bare context error (a wait for credentials) names nothing
		return fmt.Errorf("%s: %w", op, ctx.Err())
	case errors.Is(last, ctx.Err()): // the attempt the context cut short says it all
		return last
	}
	return fmt.Errorf("%s: %w (last error: %w)", op, ctx.Err(), last)
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

// count reads v as a whole number of units, clamped to [0, maxRetryAfter];
// anything else is zero.
func count(v string, unit time.Duration) time.Duration {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0
	}
	return time.Duration(min(max(n, 0), int64(maxRetryAfter/unit))) * unit
}

// scrub replaces the access key secret, the security token and the
// signature of one attempt in every text field of e, raw, percent-encoded
// and percent-encoded twice (as in the RPC string to sign that
// SignatureDoesNotMatch quotes). Values under six bytes are left alone:
// real ones are far longer, and replacing a one-letter test value would
// garble every message.
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
