package signer

import (
	"cmp"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error classes. An [*APIError] matches them with errors.Is by its Code, never
// by the HTTP status alone: Alibaba Cloud answers HTTP 404 both for a missing
// secret and for an unknown access key, and SAE answers HTTP 400 for a
// missing secret. The one exception is ErrThrottled, which an answer also
// matches by HTTP 429 (whatever its body) or by a server-requested wait
// (RetryAfter > 0), because a gateway that sheds load says so before it
// looks at the request. Otherwise an APIError with an empty Code (a proxy's
// HTML page, say) matches no class; its StatusCode still tells what came
// back.
var (
	// ErrNotFound: the named resource does not exist
	// (Forbidden.ResourceNotFound, InvalidSecretId.NotFound,
	// InvalidNamespaceId.NotFound, other *.NotFound codes except
	// InvalidAccessKeyId.NotFound).
	ErrNotFound = errors.New("resource not found")
	// ErrThrottled: the request was rate limited (Throttling, Throttling.User,
	// Throttling.Api, Rejected.Throttling, any HTTP 429, any answer that
	// asked for a wait through x-acs-retry-after or Retry-After, whatever
	// its code). Retried by default for as long as the caller's context
	// allows.
	ErrThrottled = errors.New("request throttled")
	// ErrAccessDenied: the credentials are valid but not allowed to do this
	// (Forbidden.NoPermission, Forbidden.RAM, NoPermission, Forbidden.InDebt...).
	ErrAccessDenied = errors.New("access denied")
	// ErrInvalidCredentials: the credentials themselves are wrong or missing
	// (InvalidAccessKeyId.NotFound, InvalidAccessKeyId.Inactive,
	// SignatureDoesNotMatch, IncompleteSignature, InvalidSecurityToken.*), or
	// the provider returned none. Never retried.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrInvalidParameter: the service rejected a parameter
	// (InvalidParameter*, MissingParameter*, Missing*, InvalidParam*).
	ErrInvalidParameter = errors.New("invalid parameter")
	// ErrClockSkew: the request time was outside the service's window
	// (InvalidTimeStamp.Expired, IllegalTimestamp, RequestTimeTooSkewed).
	// The clients learn the offset and retry once by themselves.
	ErrClockSkew = errors.New("request time outside the service's window")
	// ErrServiceUnavailable: a transient service-side failure
	// (ServiceUnavailable*, InternalFailure, InternalError). Retried by default.
	ErrServiceUnavailable = errors.New("service unavailable")

	// ErrDryRun: a request sent with DryRun set passed validation and would
	// have succeeded (DryRunOperation). Never retried.
	ErrDryRun = errors.New("dry run passed")

	// ErrInvalidInput: the caller's input or options failed validation; the
	// error names the field and nothing was sent.
	ErrInvalidInput = errors.New("invalid input")
	// ErrResponseTooLarge: the response body exceeded the client's limit and
	// was not read further.
	ErrResponseTooLarge = errors.New("response body too large")
	// ErrNoCredentials: no credentials were configured in any place the
	// default chain looks (the environment variables
	// ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET,
	// OIDC/RRSA, the aliyun CLI profile, the credentials file, the ECS RAM
	// role, a credentials URI). Nothing was sent; never retried. It is not
	// a service code: [APIError.Class] never returns it.
	ErrNoCredentials = errors.New("no credentials found")
)

// APIError is an error answer from the service: an HTTP status outside 2xx,
// or (SAE) a body with "Success": false. kms.APIError and sae.APIError are
// aliases of it.
//
// Message is the service's text with any credential material the client
// knows of (secret, security token, signature) replaced by "[redacted]", so
// the error can be logged as it is.
type APIError struct {
	Service   string // "kms" or "sae"
	Operation string // e.g. "GetSecretValue"

	StatusCode int    // HTTP status
	Code       string // service error code, e.g. "Forbidden.ResourceNotFound"; empty if the body had none
	Message    string // service message, or a description of a body that was not an error document
	RequestID  string // RequestId from the body, or the x-acs-request-id header
	HostID     string // HostId from the body (RPC gateway)
	Recommend  string // troubleshooting URL from the body
	TraceID    string // TraceId from the body (SAE)

	// RetryAfter is the least wait the service asked for before the next
	// attempt (the x-acs-retry-after header in milliseconds, or Retry-After
	// in seconds or as an HTTP date); zero when it asked for none or sent a
	// value that is not a wait. A positive RetryAfter makes the error
	// ErrThrottled.
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

// Is reports whether the error belongs to the class target names
// ([ErrNotFound], [ErrThrottled], ...); see [APIError.Class].
func (e *APIError) Is(target error) bool {
	return e != nil && target != nil && e.Class() == target
}

// Class returns the error's class sentinel: [ErrThrottled] for an HTTP 429
// or an answer with a positive RetryAfter, whatever its Code; otherwise the
// class of its Code, or nil when the code belongs to none.
func (e *APIError) Class() error {
	if e.StatusCode == http.StatusTooManyRequests || e.RetryAfter > 0 {
		return ErrThrottled
	}
	return classOf(e.Code)
}

// ServerStringToSign returns the string to sign the service computed, which
// it quotes in SignatureDoesNotMatch and IncompleteSignature messages after
// "server string to sign is:", or "" when the message has none. Compare it
// with [RPCStringToSign], [ROAStringToSign] or [ACS3StringToSign] of your
// request.
func (e *APIError) ServerStringToSign() string {
	const marker = "server string to sign is:"
	i := strings.Index(e.Message, marker)
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(e.Message[i+len(marker):])
}

// classOf maps a service error code to its class sentinel.
func classOf(code string) error {
	switch {
	case code == "":
		return nil
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
	case strings.HasPrefix(code, "InvalidParam"),
		strings.HasPrefix(code, "MissingParameter"), strings.HasPrefix(code, "Missing"):
		return ErrInvalidParameter
	}
	return nil
}
