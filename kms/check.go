package kms

import (
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

// invalid is the error of an input that fails validation.
func invalid(op, msg string) error {
	return fmt.Errorf("kms %s: %w: %s", op, signer.ErrInvalidInput, msg)
}

// optionError is the error of an option that fails validation.
func optionError(field, format string, args ...any) error {
	return fmt.Errorf("kms: %w: Options.%s: %s", signer.ErrInvalidInput, field, fmt.Sprintf(format, args...))
}

// document is the success answer of one KMS operation. missing says what a
// body lacks to be that document ("" when nothing): a 2xx answer that is
// JSON but not the operation's document (an error document under 200, a
// proxy's reply) must never pass for one.
type document interface {
	missing() string
}

// check is KMS's one check of a success answer (the transport decodes
// error answers, every status outside 2xx): the body must be JSON of the
// operation's document, which it fills. The error is an *APIError with an
// empty Code and the status received; it never quotes the body.
func check(op string, resp *transport.Response, doc document) error {
	if err := wire.Unmarshal(resp.Body, doc); err != nil {
		return transport.NotDocument(service.Name, op, resp, err.Error())
	}
	if m := doc.missing(); m != "" {
		return transport.NotDocument(service.Name, op, resp, m)
	}
	return nil
}

// secretNamed is the missing test of the documents that name their secret.
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

// fields converts wire metadata. A value in a layout the client does not
// know reads as the zero value and is kept, as sent, under its wire name:
// a metadata field must never cost the caller the secret.
type fields struct{ unparsed map[string]string }

func (f *fields) keep(name, raw string) {
	if f.unparsed == nil {
		f.unparsed = make(map[string]string)
	}
	f.unparsed[name] = raw
}

func (f *fields) time(name string, w wire.Time) time.Time {
	t, err := w.Value()
	if err != nil {
		f.keep(name, w.Raw())
	}
	return t
}

func (f *fields) duration(name, s string) time.Duration {
	d, err := wire.ParseSeconds(s)
	if err != nil {
		f.keep(name, s)
	}
	return d
}
