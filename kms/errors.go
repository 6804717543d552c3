package kms

import (
	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/signer"
)

// APIError is the error for every error answer from KMS; see
// signer.APIError. Use errors.As to read its Code, Message and RequestID.
type APIError = signer.APIError

// ErrSecretNotFound matches (errors.Is) the answer for a secret, version or
// stage that does not exist (Forbidden.ResourceNotFound, HTTP 404). It does
// not match InvalidAccessKeyId.NotFound, which KMS also answers with 404:
// that is signer.ErrInvalidCredentials.
var ErrSecretNotFound = signer.ErrNotFound

// ErrDryRun matches the answer to a request sent with DryRun set that would
// otherwise have succeeded (DryRunOperation): the permissions and parameters
// are good.
var ErrDryRun = signer.ErrDryRun

// Error classes, re-exported from signer so that one import handles
// errors. An *APIError matches them with errors.Is by its code (and, for
// ErrThrottled, also by HTTP 429 or a retry-after header), never by the
// HTTP status alone.
var (
	// ErrThrottled matches a throttled request (Throttling,
	// Throttling.User, Throttling.Api, Rejected.Throttling). Retried by
	// default.
	ErrThrottled = signer.ErrThrottled
	// ErrAccessDenied matches valid credentials that may not do this
	// (Forbidden.NoPermission, Forbidden.RAM, NoPermission, AccessDenied*).
	ErrAccessDenied = signer.ErrAccessDenied
	// ErrInvalidCredentials matches wrong or missing credentials
	// (InvalidAccessKeyId.*, SignatureDoesNotMatch, InvalidSecurityToken.*),
	// or a credentials provider that returned none. Never retried.
	ErrInvalidCredentials = signer.ErrInvalidCredentials
	// ErrNoCredentials matches a call made with the default credentials
	// chain (Options.Credentials nil) when the chain found no credentials;
	// the message says where it looked. Never retried.
	ErrNoCredentials = signer.ErrNoCredentials
	// ErrInvalidParameter matches a parameter the service rejected.
	ErrInvalidParameter = signer.ErrInvalidParameter
	// ErrClockSkew matches a request time outside the service's window;
	// the client corrects its clock and retries once by itself.
	ErrClockSkew = signer.ErrClockSkew
	// ErrServiceUnavailable matches a transient service-side failure
	// (ServiceUnavailable*, InternalFailure, InternalError). Retried by
	// default.
	ErrServiceUnavailable = signer.ErrServiceUnavailable
	// ErrInvalidInput matches a failed validation of the caller's input or
	// options; the error names the field and nothing was sent.
	ErrInvalidInput = signer.ErrInvalidInput
	// ErrResponseTooLarge matches a response body over the client's limit.
	ErrResponseTooLarge = signer.ErrResponseTooLarge
)

// Observer is told what the calls of a Client do; see Options.Observer.
type Observer = transport.Observer

// CallInfo names a call an Observer is told about.
type CallInfo = transport.CallInfo

// AttemptInfo is what an Observer is told after each attempt.
type AttemptInfo = transport.AttemptInfo
