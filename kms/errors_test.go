package kms_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// One import handles errors: every class a caller switches on is matched
// through the kms package's own names.
func TestErrorClassesReExported(t *testing.T) {
	cases := map[string]error{
		"Throttling.User":             kms.ErrThrottled,
		"Forbidden.NoPermission":      kms.ErrAccessDenied,
		"InvalidAccessKeyId.NotFound": kms.ErrInvalidCredentials,
		"InvalidParameter":            kms.ErrInvalidParameter,
		"IllegalTimestamp":            kms.ErrClockSkew,
		"ServiceUnavailable":          kms.ErrServiceUnavailable,
	}
	for code, class := range cases {
		err := error(&kms.APIError{Code: code, StatusCode: 400})
		assert.True(t, errors.Is(err, class), "%s should match its class", code)
		assert.False(t, errors.Is(err, kms.ErrSecretNotFound), "%s is not not-found", code)
	}
	assert.Same(t, signer.ErrInvalidInput, kms.ErrInvalidInput)
	assert.Same(t, signer.ErrResponseTooLarge, kms.ErrResponseTooLarge)
}
