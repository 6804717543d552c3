package signer

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error classes. An [*APIError] matches them with errors.Is by its Code,
// never by its HTTP status alone (Alibaba Cloud answers 404 both for a
// missing secret and for an unknown access key), except that an HTTP 429 or
// a positive RetryAfter is always ErrThrottled: a gateway shedding load says
// so before it reads the request. An APIError without a Code matches none.
var (
	// ErrNotFound: the resource does not exist (Forbidden.ResourceNotFound,
	// EntityNotExist*, other *.NotFound but InvalidAccessKeyId.*, InvalidAction.*).
	ErrNotFound = errors.New("resource not found")
	// ErrThrottled: rate limited (Throttling, Throttling.*, Rejected.Throttling,
	// HTTP 429, a requested wait); retried while the caller's context allows.
	ErrThrottled = errors.New("request throttled")
	// ErrAccessDenied: valid credentials not allowed to do this (Forbidden,
	// Forbidden.*, NoPermission*, AccessDenied*).
	ErrAccessDenied = errors.New("access denied")
	// ErrInvalidCredentials: wrong or missing credentials (InvalidAccessKeyId.*,
	// InvalidSecurityToken.*, InvalidSignature*, SignatureDoesNotMatch,
	// IncompleteSignature), or none from the provider. Never retried.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrInvalidParameter: the service rejected a parameter (InvalidParam*,
	// Missing*, InvalidAction*, InvalidVersion*).
	ErrInvalidParameter = errors.New("invalid parameter")
	// ErrClockSkew: the request time was outside the service's window
	// (InvalidTimeStamp*, IllegalTimestamp, RequestTimeTooSkewed); the
	// clients learn the offset and retry once by themselves.
	ErrClockSkew = errors.New("request time outside the service's window")
	// ErrServiceUnavailable: a transient failure (ServiceUnavailable*,
	// InternalFailure, InternalError); retried by default.
	ErrServiceUnavailable = errors.New("service unavailable")
	// ErrDryRun: a DryRun request passed validation (DryRunOperation).
	ErrDryRun = errors.New("dry run passed")
	// ErrInvalidInput: the caller's input or options failed validation; the
	// error names the field, and nothing was sent.
	ErrInvalidInput = errors.New("invalid input")
	// ErrResponseTooLarge: the response body exceeded the client's limit.
	ErrResponseTooLarge = errors.New("response body too large")
	// ErrNoCredentials: the default chain found no credentials (environment,
	// OIDC/RRSA, aliyun CLI profile, credentials file, ECS RAM role,
	// credentials URI). Nothing was sent; never a service code.
	ErrNoCredentials = errors.New("no credentials found")
)

// APIError is an error answer from the service: an HTTP status outside 2xx,
// or (SAE) a body with "Success": false. kms.APIError and sae.APIError are
// aliases of it. Message has the credential material the client knows of
// (secret, security token, signature) replaced by "[redacted]".
type APIError struct {
	Service    string // "kms" or "sae"
	Operation  string // e.g. "GetSecretValue"
	StatusCode int    // HTTP status
	Code       string // service error code, e.g. "Forbidden.ResourceNotFound"; empty if the body had none
	Message    string // service message, or a description of a body that was not an error document
	RequestID  string // RequestId from the body, or the x-acs-request-id header
	HostID     string // HostId from the body (RPC gateway)
	Recommend  string // troubleshooting URL from the body
	TraceID    string // TraceId from the body (SAE)

	// RetryAfter is the least wait the service asked for (x-acs-retry-after
	// in milliseconds, Retry-After in seconds or as an HTTP date); zero for
	// none. A positive RetryAfter makes the error ErrThrottled.
	RetryAfter time.Duration
}

// Error reads like
// "kms GetSecretValue: Forbidden.ResourceNotFound: Resource not found (HTTP 404, request id 7A...)".
func (e *APIError) Error() string {
	s := e.Service
	if s != "" && e.Operation != "" {
		s += " "
	}
	s += e.Operation
	if s != "" {
		s += ": "
	}
	if e.Code != "" {
		s += e.Code + ": "
	}
	s += cmp.Or(e.Message, "no message") + " (HTTP " + strconv.Itoa(e.StatusCode)
	if e.RequestID != "" {
		s += ", request id " + e.RequestID
	}
	return s + ")"
}

// ErrorCode returns Code.
func (e *APIError) ErrorCode() string { return e.Code }

// ErrorMessage returns Message.
func (e *APIError) ErrorMessage() string { return e.Message }

// Is reports whether target is the error's [APIError.Class].
func (e *APIError) Is(target error) bool {
	return e != nil && target != nil && e.Class() == target
}

// Class returns the error's class: [ErrThrottled] for an HTTP 429 or a
// positive RetryAfter, else the class of Code, or nil for none.
func (e *APIError) Class() error {
	if e.StatusCode == http.StatusTooManyRequests || e.RetryAfter > 0 {
		return ErrThrottled
	}
	return classOf(e.Code)
}

// ServerStringToSign returns the string to sign the service computed, which
// SignatureDoesNotMatch and IncompleteSignature messages quote after
// "server string to sign is:"; "" when the message has none.
func (e *APIError) ServerStringToSign() string {
	const marker = "server string to sign is:"
	i := strings.Index(e.Message, marker)
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(e.Message[i+len(marker):])
}

func classOf(code string) error {
	switch {
	case strings.HasPrefix(code, "InvalidAccessKeyId"), strings.HasPrefix(code, "InvalidSecurityToken"),
		code == "SignatureDoesNotMatch", code == "IncompleteSignature", strings.HasPrefix(code, "InvalidSignature"):
		return ErrInvalidCredentials
	case code == "DryRunOperation":
		return ErrDryRun
	case strings.HasPrefix(code, "InvalidAction"), strings.HasPrefix(code, "InvalidVersion"):
		return ErrInvalidParameter // "InvalidAction.NotFound" names an API, not a resource
	case code == "Forbidden.ResourceNotFound", strings.HasSuffix(code, ".NotFound"), strings.HasPrefix(code, "EntityNotExist"):
		return ErrNotFound
	case code == "Throttling", strings.HasPrefix(code, "Throttling."), code == "Rejected.Throttling":
		return ErrThrottled
	case strings.HasPrefix(code, "InvalidTimeStamp"), code == "IllegalTimestamp", code == "RequestTimeTooSkewed":
		return ErrClockSkew
	case strings.HasPrefix(code, "ServiceUnavailable"), code == "InternalFailure", code == "InternalError":
		return ErrServiceUnavailable
	case code == "Forbidden", strings.HasPrefix(code, "Forbidden."), strings.HasPrefix(code, "NoPermission"),
		strings.HasPrefix(code, "AccessDenied"):
		return ErrAccessDenied
	case strings.HasPrefix(code, "InvalidParam"), strings.HasPrefix(code, "Missing"):
		return ErrInvalidParameter
	}
	return nil
}
