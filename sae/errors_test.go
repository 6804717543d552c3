package sae_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// One import handles errors: every class a caller switches on is matched
// through the sae package's own names.
func TestErrorClassesReExported(t *testing.T) {
	cases := map[string]error{
		"Throttling.User":             sae.ErrThrottled,
		"Forbidden.NoPermission":      sae.ErrAccessDenied,
		"InvalidAccessKeyId.NotFound": sae.ErrInvalidCredentials,
		"InvalidParameter":            sae.ErrInvalidParameter,
		"IllegalTimestamp":            sae.ErrClockSkew,
		"ServiceUnavailable":          sae.ErrServiceUnavailable,
	}
	for code, class := range cases {
		err := error(&sae.APIError{Code: code, StatusCode: 400})
		assert.True(t, errors.Is(err, class), "%s should match its class", code)
		assert.False(t, errors.Is(err, sae.ErrSecretNotFound), "%s is not not-found", code)
	}
	assert.Same(t, signer.ErrInvalidInput, sae.ErrInvalidInput)
	assert.Same(t, signer.ErrResponseTooLarge, sae.ErrResponseTooLarge)
}
