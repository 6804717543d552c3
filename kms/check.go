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

// docPtr is a pointer to a document struct.
type docPtr[T any] interface {
	*T
	document
}

// newAnswer returns the failure check and document of a call to operation
// op (see verdict).
func newAnswer[T any, P docPtr[T]](op string) *transport.Answer[T, verdict[T, P]] {
	return transport.NewAnswer[T, verdict[T, P]](op)
}

// verdict[T, P] is the one place that decides whether a KMS 2xx answer, decoded
// into the operation's document, is a failure: it is when the body is
// JSON but not that document (what missing names). Non-2xx answers and
// bodies that are not JSON of the document's shape are failures decided
// by transport.Answer before it.
type verdict[T any, P docPtr[T]] struct{}

// Verdict implements transport.Verdict.
func (verdict[T, P]) Verdict(op string, doc *T, status int, h http.Header, body []byte) *signer.APIError {
	if m := P(doc).missing(); m != "" {
		return transport.NotDocument(status, h, body, "decoding the response: not a "+op+" document: "+m)
	}
	return nil
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
