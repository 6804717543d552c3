package kms

import (
	"errors"
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

func invalid(op, msg string) error {
	return fmt.Errorf("kms %s: %w: %s", op, signer.ErrInvalidInput, msg)
}

// errNotSecretBody: a 2xx answer that is JSON but not the operation's
// document (no SecretName), which must never pass for a success.
var errNotSecretBody = errors.New("the body has no SecretName: not a secret document")

// fields converts wire values and keeps the first failure, naming the field.
type fields struct{ err error }

func (f *fields) time(name string, w wire.Time) time.Time {
	t, err := w.Value()
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("field %s: %w", name, err)
	}
	return t
}

func (f *fields) duration(name, s string) time.Duration {
	d, err := wire.ParseSeconds(s)
	if err != nil && f.err == nil {
		f.err = fmt.Errorf("field %s: %w", name, err)
	}
	return d
}
