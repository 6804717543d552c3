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

// Check is the transport.Request.Check of the call: the one place that decides whether an SAE answer is a failure, as go-github's
// CheckResponse does. An answer is a failure, and the result an
// *APIError, when its status is outside 2xx, when it says "Success": false
// under any status (the error document decoded by transport.DecodeError,
// so it takes part in the retry decision), when a 2xx body is not JSON of
// the expected shape, or when it is JSON but not op's document (no
// "Success": true, or what missing names). Otherwise the body has been
// decoded into a.doc, once, and the operation reads it from there. Nothing
// in the error quotes the body.
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
	switch env := doc.head(); {
	case env.Success != nil && !bool(*env.Success):
		return transport.DecodeError(service.Name, op, status, h, body)
	case env.Success == nil:
		return notDocument(status, h, body, `decoding the response: not a `+op+` document: no "Success": true`)
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
