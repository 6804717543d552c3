package kms

import (
	"fmt"

	"github.com/alisecret/alisecret-go/signer"
)

// APIError is the error of every error answer from KMS; read its Code,
// Message and RequestID with errors.As.
type APIError = signer.APIError

// Error classes, re-exported from signer (whose docs list the codes each
// matches) so that one import handles errors. An *APIError matches them
// with errors.Is by its code, never by the HTTP status alone.
var (
	// ErrSecretNotFound is [signer.ErrNotFound]: no such secret, version or
	// stage (not an unknown access key, which KMS also answers with 404).
	ErrSecretNotFound = signer.ErrNotFound
	// ErrDryRun is [signer.ErrDryRun]: a DryRun request that would have succeeded.
	ErrDryRun = signer.ErrDryRun
	// ErrThrottled is [signer.ErrThrottled]: rate limited; retried by default.
	ErrThrottled = signer.ErrThrottled
	// ErrAccessDenied is [signer.ErrAccessDenied]: valid credentials, not allowed.
	ErrAccessDenied = signer.ErrAccessDenied
	// ErrInvalidCredentials is [signer.ErrInvalidCredentials]: wrong credentials.
	ErrInvalidCredentials = signer.ErrInvalidCredentials
	// ErrNoCredentials is [signer.ErrNoCredentials]: the default chain found none.
	ErrNoCredentials = signer.ErrNoCredentials
	// ErrInvalidParameter is [signer.ErrInvalidParameter]: a rejected parameter.
	ErrInvalidParameter = signer.ErrInvalidParameter
	// ErrClockSkew is [signer.ErrClockSkew]: the client's clock is off.
	ErrClockSkew = signer.ErrClockSkew
	// ErrServiceUnavailable is [signer.ErrServiceUnavailable]: a transient failure.
	ErrServiceUnavailable = signer.ErrServiceUnavailable
	// ErrInvalidInput is [signer.ErrInvalidInput]: input or options failed
	// validation; the error names the field, and nothing was sent.
	ErrInvalidInput = signer.ErrInvalidInput
	// ErrResponseTooLarge is [signer.ErrResponseTooLarge]: a body over the limit.
	ErrResponseTooLarge = signer.ErrResponseTooLarge
)

// invalid is the error of an input that fails validation.
func invalid(op, msg string) error {
	return fmt.Errorf("kms %s: %w: %s", op, signer.ErrInvalidInput, msg)
}

// optionError is the error of an option that fails validation.
func optionError(field, format string, args ...any) error {
	return fmt.Errorf("kms: %w: Options.%s: %s", signer.ErrInvalidInput, field, fmt.Sprintf(format, args...))
}
