package sae

import (
	"net/http"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

// envelope is SAE's wrapper around every answer; an operation's document
// embeds it.
type envelope struct {
	RequestID wire.String `json:"RequestId"`
	TraceID   wire.String `json:"TraceId"`
	Success   *wire.Bool  `json:"Success"`
}

func (e *envelope) head() *envelope { return e }

// document is the success answer of one SAE operation, decoded in place.
// missing is the operation's own test that the body was its document: it
// says what the body lacks ("" when nothing). DescribeSecret requires Data
// with a SecretId above 0 and a NamespaceId; an operation added later
// (ListSecrets, ...) brings its own.
type document interface {
	head() *envelope
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

// verdict[T, P] is the one place that decides whether an SAE 2xx answer,
// decoded into the operation's document, is a failure: it is when it says
// "Success": false (the error document decoded by transport.DecodeError,
// so it takes part in the retry decision like any error answer), and when
// it is JSON but not op's document (no "Success": true, or what missing
// names). Non-2xx answers and bodies that are not JSON of the document's
// shape are failures decided by transport.Answer before it.
type verdict[T any, P docPtr[T]] struct{}

// Verdict implements transport.Verdict.
func (verdict[T, P]) Verdict(op string, doc *T, status int, h http.Header, body []byte) *signer.APIError {
	d := P(doc)
	switch env := d.head(); {
	case env.Success != nil && !bool(*env.Success):
		return transport.DecodeError(service.Name, op, status, h, body)
	case env.Success == nil:
		return transport.NotDocument(status, h, body, `decoding the response: not a `+op+` document: no "Success": true`)
	}
	if m := d.missing(); m != "" {
		return transport.NotDocument(status, h, body, "decoding the response: not a "+op+" document: "+m)
	}
	return nil
}
