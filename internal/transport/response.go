package transport

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

// readBody reads r, at most limit bytes: a longer body (or Content-Length)
// is an error matching signer.ErrResponseTooLarge.
func readBody(r io.Reader, contentLength, limit int64) ([]byte, error) {
	if contentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds the %d-byte limit", signer.ErrResponseTooLarge, contentLength, limit)
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: body exceeds the %d-byte limit", signer.ErrResponseTooLarge, limit)
	}
	return b, err
}

// flexString is wire.String, except that a JSON structure where text was
// expected reads as "": an error body with one odd field must still yield
// its code and message.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s wire.String
	err := s.UnmarshalJSON(b)
	var shape *wire.ShapeError
	if errors.As(err, &shape) {
		s, err = "", nil
	}
	*f = flexString(s)
	return err
}

// errorBody is the union of the RPC gateway's and SAE's error documents.
type errorBody struct {
	Code      flexString `json:"Code"`
	ErrorCode flexString `json:"ErrorCode"` // SAE's business code
	Message   flexString `json:"Message"`
	RequestID flexString `json:"RequestId"`
	HostID    flexString `json:"HostId"`
	Recommend flexString `json:"Recommend"`
	TraceID   flexString `json:"TraceId"`
}

// code is SAE's ErrorCode when set, else Code unless it is only digits
// (SAE echoes the HTTP status there, "200" on success).
func (b *errorBody) code() string {
	if b.ErrorCode != "" {
		return string(b.ErrorCode)
	}
	if _, err := strconv.Atoi(string(b.Code)); err == nil {
		return ""
	}
	return string(b.Code)
}

// successFalse reports whether body is a JSON object whose Success field
// is false (SAE's error envelope under a 2xx status). A wire.Bool reads as
// false only from "" or from false in some case, so a body holding neither
// "" nor "fal" in any case cannot say so: the usual success answer is then
// not decoded a second time (its service decodes it as its document).
func successFalse(body []byte) bool {
	if !bytes.Contains(body, []byte(`""`)) && !bytes.Contains(bytes.ToLower(body), []byte("fal")) {
		return false
	}
	var env struct {
		Success *wire.Bool `json:"Success"`
	}
	return json.Unmarshal(body, &env) == nil && env.Success != nil && !bool(*env.Success)
}

// Bounds on what one error document puts into an *APIError, and so into a
// log line. The message keeps room for the string to sign that
// SignatureDoesNotMatch quotes (APIError.ServerStringToSign).
const (
	maxMessageBytes = 4096
	maxFieldBytes   = 256
	snippetRunes    = 120
)

// DecodeError turns an error answer into an *APIError, reading the RPC
// gateway's JSON (Code, Message, RequestId, HostId, Recommend) and SAE's
// (adding ErrorCode and TraceId). Any other body (a proxy's HTML page, an
// empty body) leaves Code empty and Message a short description of it; a
// document without Code or Message (a proxy replaying a success body, say)
// is described by size and content type, never quoted: it may hold a secret.
func DecodeError(status int, h http.Header, body []byte) *signer.APIError {
	e := &signer.APIError{StatusCode: status, RequestID: h.Get("X-Acs-Request-Id")}
	trimmed := bytes.TrimSpace(body)
	var doc errorBody
	parsed := len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &doc) == nil
	switch {
	case parsed && (doc.code() != "" || doc.Message != ""):
		e.Code = bounded(doc.code(), maxFieldBytes)
		e.Message = bounded(string(doc.Message), maxMessageBytes)
		if doc.RequestID != "" {
			e.RequestID = bounded(string(doc.RequestID), maxFieldBytes)
		}
		e.HostID = bounded(string(doc.HostID), maxFieldBytes)
		e.Recommend = bounded(string(doc.Recommend), maxFieldBytes)
		e.TraceID = bounded(string(doc.TraceID), maxFieldBytes)
	case parsed:
		e.Message = DescribeDocument(h.Get("Content-Type"), len(body), "a document with no Code or Message")
	case structured(trimmed):
		e.Message = DescribeDocument(h.Get("Content-Type"), len(body), "a document that does not parse")
	default:
		e.Message = describeBody(h.Get("Content-Type"), trimmed)
	}
	return e
}

// structured reports whether body looks like a JSON or XML document.
func structured(body []byte) bool {
	return len(body) > 0 && (body[0] == '{' || body[0] == '[') ||
		bytes.HasPrefix(body, []byte("<?xml")) || bytes.HasPrefix(body, []byte("<Error"))
}

// NotDocument is the *APIError of a success answer that is not the
// operation's document: no Code, the status received, and a Message saying
// what is wrong, the body's size and content type, never quoting it.
func NotDocument(svc, op string, resp *Response, what string) *signer.APIError {
	return &signer.APIError{
		Service: svc, Operation: op, StatusCode: resp.StatusCode, RequestID: resp.RequestID(),
		Message: DescribeDocument(resp.Header.Get("Content-Type"), len(resp.Body), "decoding the response: not a "+op+" document: "+what),
	}
}

// DescribeDocument describes a body of size bytes without quoting it:
// what, then the size and content type, e.g. "a document with no Code or
// Message (312 bytes, application/json)".
func DescribeDocument(contentType string, size int, what string) string {
	return what + " (" + strconv.Itoa(size) + " bytes, " + cmp.Or(contentType, "no Content-Type") + ")"
}

// bounded cuts s to at most max bytes, at a rune boundary, marking a cut with "…".
func bounded(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// describeBody says in one short line what came back instead of an error
// document: an HTML page's title, or the start of the text.
func describeBody(contentType string, body []byte) string {
	contentType = cmp.Or(contentType, "no Content-Type")
	if len(body) == 0 {
		return "empty response body (" + contentType + ")"
	}
	text := body
	if t := htmlTitle(body); len(bytes.TrimSpace(t)) > 0 {
		text = t
	}
	return "unexpected response body (" + contentType + "): " + snippet(text, snippetRunes)
}

var titleRE = regexp.MustCompile(`(?is)<title>(.*?)(?:</title>|$)`)

// htmlTitle returns the text of the page's <title> (unclosed: to the end), or nil.
func htmlTitle(body []byte) []byte {
	if m := titleRE.FindSubmatch(body); m != nil {
		return m[1]
	}
	return nil
}

// snippet collapses white space, drops control characters and invalid
// bytes, and cuts at max runes, marking a cut with "…". Only the first
// 4096 bytes are looked at.
func snippet(b []byte, max int) string {
	const look = 4096
	cut := len(b) > look
	text := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return ' '
		case r == utf8.RuneError || !unicode.IsPrint(r):
			return -1
		}
		return r
	}, string(b[:min(len(b), look)]))
	runes := []rune(strings.Join(strings.Fields(text), " "))
	if len(runes) > max {
		runes, cut = runes[:max], true
	}
	out := strings.TrimSpace(string(runes))
	if cut {
		out += "…"
	}
	return out
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

// count reads v as a number of units, clamped to [0, maxRetryAfter]; else 0.
func count(v string, unit time.Duration) time.Duration {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0
	}
	return time.Duration(min(max(n, 0), int64(maxRetryAfter/unit))) * unit
}

// scrub replaces an attempt's secrets (access key secret, security token,
// signature) in every text field of e: raw, percent-encoded and encoded
// twice (as in the RPC string to sign SignatureDoesNotMatch quotes). Values
// under six bytes are left alone: real ones are far longer, and replacing
// a one-letter test value would garble every message.
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
