package transport

import (
	"net/http"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

// Verdict is a service's judgement of a 2xx answer already decoded into
// the operation's document doc: nil when the body is that document, else
// the *APIError it amounts to (SAE's "Success": false, or a body that is
// JSON but not op's document, see NotDocument). Implementations are
// zero-size types, so an Answer costs no more than its document.
type Verdict[T any] interface {
	Verdict(op string, doc *T, status int, h http.Header, body []byte) *signer.APIError
}

// Answer is one call's Checker and the document it decodes a 2xx body
// into: one allocation for both. The service packages build it with their
// Verdict, which is the one place each decides whether an answer is a
// failure, as go-github's CheckResponse does.
type Answer[T any, V Verdict[T]] struct {
	Doc T // the decoded document, valid when Check returned nil
	op  string
}

// NewAnswer returns the Answer of a call to operation op.
func NewAnswer[T any, V Verdict[T]](op string) *Answer[T, V] {
	return &Answer[T, V]{op: op}
}

// Check implements Checker. An answer is a failure when its status is
// outside 2xx (the error document decoded by DecodeError), when a 2xx body
// is not JSON of the document's shape, or when the service's Verdict says
// so. Otherwise the body has been decoded into Doc, once. Nothing in an
// error quotes the body.
func (a *Answer[T, V]) Check(status int, h http.Header, body []byte) *signer.APIError {
	if e := CheckStatus(status, h, body); e != nil {
		return e
	}
	var zero T
	a.Doc = zero // a failed earlier attempt leaves nothing behind
	if err := wire.Unmarshal(body, &a.Doc); err != nil {
		return NotDocument(status, h, body, "decoding the response: not a "+a.op+" document: "+err.Error())
	}
	var v V
	return v.Verdict(a.op, &a.Doc, status, h, body)
}

// NotDocument is the *APIError of a 2xx answer that is not the
// operation's document: no Code, StatusCode as received, and a Message
// that describes the body (what, its size and content type) without
// quoting it.
func NotDocument(status int, h http.Header, body []byte, what string) *signer.APIError {
	return &signer.APIError{
		StatusCode: status,
		Message:    DescribeDocument(h.Get("Content-Type"), len(body), what),
		RequestID:  h.Get("X-Acs-Request-Id"),
	}
}
