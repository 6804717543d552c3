package transport

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

// initialBodyBuffer bounds the buffer readBody allocates before it has
// read anything: a Content-Length is the server's claim, not a fact, and
// must not size an allocation by itself.
const initialBodyBuffer = 16 << 10

// readBody reads at most limit bytes of r. The first buffer is sized from
// the Content-Length when there is one, up to initialBodyBuffer; past that
// it grows with what actually arrives. A body longer than limit is an error
// matching signer.ErrResponseTooLarge; nothing past the limit is kept.
func readBody(r io.Reader, contentLength int64, limit int64) ([]byte, error) {
	if contentLength > limit {
		return nil, fmt.Errorf("%w: Content-Length %d exceeds the %d-byte limit", signer.ErrResponseTooLarge, contentLength, limit)
	}
	size := int64(512)
	if contentLength >= 0 {
		size = min(contentLength+1, initialBodyBuffer) // +1: room to see EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit { // checked after every read: growth never carries reading past the limit
			return nil, fmt.Errorf("%w: body exceeds the %d-byte limit", signer.ErrResponseTooLarge, limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
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
	Code      flexString `json:"Code" xml:"Code"`
	ErrorCode flexString `json:"ErrorCode" xml:"ErrorCode"`
	Message   flexString `json:"Message" xml:"Message"`
	RequestID flexString `json:"RequestId" xml:"RequestId"`
	HostID    flexString `json:"HostId" xml:"HostId"`
	Recommend flexString `json:"Recommend" xml:"Recommend"`
	TraceID   flexString `json:"TraceId" xml:"TraceId"`
}

// errorCode picks the error code: SAE's ErrorCode when set, else Code
// unless it is only digits (SAE echoes the HTTP status there, "200" on
// success).
func (b *errorBody) errorCode() string {
	if b.ErrorCode != "" {
		return string(b.ErrorCode)
	}
	if allDigits(string(b.Code)) {
		return ""
	}
	return string(b.Code)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Checker decides whether an answer is a failure (see Request.Check). A
// service's checker usually also keeps the document it decoded, so that
// the body is parsed once.
type Checker interface {
	Check(status int, h http.Header, body []byte) *signer.APIError
}

// CheckStatus is the failure check of a service that has no other: a
// status outside 2xx is a failure, decoded by DecodeError; every 2xx answer
// is a success. A service's own check (Request.Check) starts with it.
func CheckStatus(status int, h http.Header, body []byte) *signer.APIError {
	if status >= 200 && status <= 299 {
		return nil
	}
	return DecodeError("", "", status, h, body)
}

// DecodeError turns an error answer into an *APIError. It reads the RPC
// gateway's JSON (Code, Message, RequestId, HostId, Recommend), SAE's
// (adding ErrorCode, Success, TraceId) and an XML <Error> document; any
// other body (a proxy's HTML page, an empty body) leaves Code empty and
// puts a short description of what came back in Message, never the whole
// body. A JSON or XML document without Code or Message (a proxy replaying a
// success body, say) is described by its size and content type and never
// quoted: it may carry a secret value.
func DecodeError(svc, op string, status int, h http.Header, body []byte) *signer.APIError {
	e := &signer.APIError{Service: svc, Operation: op, StatusCode: status}
	var doc errorBody
	trimmed := bytes.TrimSpace(body)
	parsed := false
	switch {
	case len(trimmed) > 0 && trimmed[0] == '{':
		parsed = json.Unmarshal(trimmed, &doc) == nil
	case bytes.HasPrefix(trimmed, []byte("<?xml")) || bytes.HasPrefix(trimmed, []byte("<Error")):
		var x struct {
			XMLName xml.Name
			errorBody
		}
		parsed = xml.Unmarshal(trimmed, &x) == nil && x.XMLName.Local == "Error"
		doc = x.errorBody
	}
	if parsed && (doc.errorCode() != "" || doc.Message != "") {
		e.Code = bounded(doc.errorCode(), maxFieldBytes)
		e.Message = bounded(string(doc.Message), maxMessageBytes)
		e.RequestID = bounded(string(doc.RequestID), maxFieldBytes)
		e.HostID = bounded(string(doc.HostID), maxFieldBytes)
		e.Recommend = bounded(string(doc.Recommend), maxFieldBytes)
		e.TraceID = bounded(string(doc.TraceID), maxFieldBytes)
	} else if structured(trimmed) {
		what := "a document with no Code or Message"
		if !parsed {
			what = "a document that does not parse"
		}
		e.Message = DescribeDocument(h.Get("Content-Type"), len(body), what)
	} else {
		e.Message = describeBody(h.Get("Content-Type"), trimmed)
	}
	if e.RequestID == "" {
		e.RequestID = h.Get("X-Acs-Request-Id")
	}
	return e
}

// structured reports whether body looks like a JSON or XML document.
func structured(body []byte) bool {
	return len(body) > 0 && (body[0] == '{' || body[0] == '[') ||
		bytes.HasPrefix(body, []byte("<?xml")) || bytes.HasPrefix(body, []byte("<Error"))
}

// DescribeDocument describes a body of size bytes without quoting any of
// it: what, then the size and content type, e.g. "a document with no Code
// or Message (312 bytes, application/json)".
func DescribeDocument(contentType string, size int, what string) string {
	if contentType == "" {
		contentType = "no Content-Type"
	}
	return what + " (" + strconv.Itoa(size) + " bytes, " + contentType + ")"
}

const snippetLimit = 120

// Bounds on what one error document's fields put into an *APIError, and
// so into a log line: a misbehaving gateway must not make an error of
// megabytes (and encoding/json turns every invalid UTF-8 byte into a
// three-byte U+FFFD, so text can outgrow its body). The message keeps room
// for the string to sign SignatureDoesNotMatch quotes (ServerStringToSign).
const (
	maxMessageBytes = 4096
	maxFieldBytes   = 256
)

// bounded cuts s to at most max bytes, at a rune boundary, marking the cut
// with "…".
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
	if contentType == "" {
		contentType = "no Content-Type"
	}
	if len(body) == 0 {
		return "empty response body (" + contentType + ")"
	}
	text := body
	if t := htmlTitle(body); t != nil {
		text = t
	}
	return "unexpected response body (" + contentType + "): " + snippet(text, snippetLimit)
}

func htmlTitle(body []byte) []byte {
	i := indexASCIIFold(body, "<title>")
	if i < 0 {
		return nil
	}
	rest := body[i+len("<title>"):]
	if j := indexASCIIFold(rest, "</title>"); j >= 0 {
		rest = rest[:j]
	}
	if len(bytes.TrimSpace(rest)) == 0 {
		return nil
	}
	return rest
}

// indexASCIIFold finds pat (lower-case ASCII) in b, ignoring ASCII case. It
// works on b itself: lower-casing a copy first would shift indices wherever
// b holds invalid UTF-8.
func indexASCIIFold(b []byte, pat string) int {
	for i := 0; i+len(pat) <= len(b); i++ {
		j := 0
		for ; j < len(pat); j++ {
			c := b[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != pat[j] {
				break
			}
		}
		if j == len(pat) {
			return i
		}
	}
	return -1
}

// snippet collapses white space, drops control and invalid bytes and cuts
// at max runes.
func snippet(b []byte, max int) string {
	var sb strings.Builder
	space, n := false, 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size <= 1, !unicode.IsSpace(r) && !unicode.IsPrint(r):
			b = b[size:]
			continue
		case unicode.IsSpace(r):
			space = sb.Len() > 0
			b = b[size:]
			continue
		}
		need := 1
		if space {
			need = 2
		}
		if n+need > max {
			break
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
		n += need
		b = b[size:]
	}
	if len(bytes.TrimSpace(b)) > 0 {
		sb.WriteString("…")
	}
	return sb.String()
}

// redactor removes credential material of one attempt from text that came
// back from the network: the access key secret, the security token and the
// signature, raw, percent-encoded and percent-encoded twice (the form they
// take inside an RPC string to sign that SignatureDoesNotMatch quotes).
type redactor struct {
	secrets [3]string
}

// minRedactLen: values shorter than this are not searched for; real secrets,
// tokens and signatures are far longer, and replacing a one-letter test
// value everywhere would garble every message.
const minRedactLen = 6

func (r *redactor) apply(s string) string {
	if s == "" {
		return s
	}
	for _, v := range r.secrets {
		if len(v) < minRedactLen {
			continue
		}
		once := signer.PercentEncode(v)
		for _, form := range [...]string{v, once, signer.PercentEncode(once)} {
			if strings.Contains(s, form) {
				s = strings.ReplaceAll(s, form, "[redacted]")
			}
		}
	}
	return s
}

// scrub redacts every string field of e that holds text from the network;
// TestScrubCoversEveryStringField fails when a new one is left out.
func (r *redactor) scrub(e *signer.APIError) {
	for _, f := range [...]*string{&e.Code, &e.Message, &e.RequestID, &e.HostID, &e.Recommend, &e.TraceID} {
		*f = r.apply(*f)
	}
}
