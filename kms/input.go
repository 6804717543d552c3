package kms

import (
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

func invalid(op, msg string) error {
	return fmt.Errorf("kms %s: %w: %s", op, signer.ErrInvalidInput, msg)
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
