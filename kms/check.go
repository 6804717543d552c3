package kms

import (
	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/internal/wire"
)

// document is the success answer of one KMS operation. missing says what a
// body lacks to be that document ("" when nothing): a 2xx answer that is
// JSON but not the operation's document (an error document under 200, a
// proxy's reply) must never pass for one.
type document interface {
	missing() string
}

// decode is KMS's one check of a success answer (error answers, every
// status outside 2xx, are decoded by the transport): the body must be JSON
// of the operation's document, which it fills. The error is an *APIError
// with an empty Code and the status received; it never quotes the body.
func decode(op string, resp *transport.Response, doc document) error {
	if err := wire.Unmarshal(resp.Body, doc); err != nil {
		return transport.NotDocument(service.Name, op, resp, err.Error())
	}
	if m := doc.missing(); m != "" {
		return transport.NotDocument(service.Name, op, resp, m)
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

// requestID is the document's request id, else the answer's header.
func requestID(doc wire.String, resp *transport.Response) string {
	if doc != "" {
		return string(doc)
	}
	return resp.RequestID()
}
