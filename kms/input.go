package kms

import (
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

func invalid(op, msg string) error {
	return fmt.Errorf("kms %s: %w: %s", op, signer.ErrInvalidInput, msg)
}

// encodeInput turns an input struct into query parameters by its url tags.
func encodeInput(op string, in any) (url.Values, error) {
	q, err := query.Values(in)
	if err != nil {
		return nil, invalid(op, err.Error())
	}
	return q, nil
}

// errNotSecretBody: a 2xx answer that is JSON but not the operation's
// document (no SecretName), which must never pass for a success.
var errNotSecretBody = errors.New("the body has no SecretName: not a secret document")

// fields converts wire values and keeps the first failure, naming the field.
type fields struct{ err error }

func (f *fields) time(name, s string) time.Time {
	t, err := wire.ParseTime(s)
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
