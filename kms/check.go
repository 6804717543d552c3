package kms

import (
	"net/http"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

// document is the success answer of one KMS operation, decoded in place.
// missing is the operation's own test that the body was its document and
// not some other 2xx JSON (an error document under 200, a proxy's reply):
// it says what the body lacks, "" when nothing. GetSecretValue and
// DescribeSecret require a SecretName; an operation added later
// (ListSecrets, ...) brings its own.
type document interface {
	missing() string
}

// docPtr is a pointer to a document struct, so that answer.Check can
// clear it before each answer is decoded into it.
type docPtr[T any] interface {
	*T
	document
}

// answer is one call's failure check and the document it decodes the
// body into: one allocation for both.
type answer[T any, P docPtr[T]] struct {
	op  string
	doc T
}

// newAnswer returns the answer of a call to operation op.
func newAnswer[T any, P docPtr[T]](op string) *answer[T, P] { return &answer[T, P]{op: op} }

// Check is the transport.Request.Check of the call: the one place that decides whether a KMS answer is a failure, as go-github's
// CheckResponse does. An answer is a failure, and the result an
// *APIError, when its status is outside 2xx (the error document decoded by
// transport.DecodeError), when a 2xx body is not JSON of the expected
// shape, or when it is JSON but not op's document (what missing names). Otherwise
// the body has been decoded into a.doc, once, and the operation reads
// it from there. Nothing in the error quotes the body.
func (a *answer[T, P]) Check(status int, h http.Header, body []byte) *signer.APIError {
	op, doc := a.op, P(&a.doc)
	if e := transport.CheckStatus(status, h, body); e != nil {
		return e
	}
	var zero T
	*doc = zero // a failed earlier attempt leaves nothing behind
	if err := wire.Unmarshal(body, doc); err != nil {
		return notDocument(status, h, body, "decoding the response: not a "+op+" document: "+err.Error())
	}
	if m := doc.missing(); m != "" {
		return notDocument(status, h, body, "decoding the response: not a "+op+" document: "+m)
	}
	return nil
}

// notDocument is the *APIError of a 2xx answer that is not the
// operation's document: no Code, StatusCode as received, and a Message
// that describes the body without quoting it.
func notDocument(status int, h http.Header, body []byte, what string) *signer.APIError {
	return &signer.APIError{
		StatusCode: status,
		Message:    transport.DescribeDocument(h.Get("Content-Type"), len(body), what),
		RequestID:  h.Get("X-Acs-Request-Id"),
	}
}

// secretNamed is the missing test of the operations whose document names
// its secret.
func secretNamed(name wire.String) string {
	if name == "" {
		return "no SecretName"
	}
	return ""
}

func (w *getSecretValueWire) missing() string { return secretNamed(w.SecretName) }
func (w *describeSecretWire) missing() string { return secretNamed(w.SecretName) }
