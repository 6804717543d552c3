package signer

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorClasses(t *testing.T) {
	// ErrNoCredentials is no service code: listed, it must match none.
	classes := []error{ErrDryRun, ErrNotFound, ErrThrottled, ErrAccessDenied, ErrInvalidCredentials, ErrInvalidParameter, ErrClockSkew, ErrServiceUnavailable, ErrNoCredentials}
	cases := map[string]error{
		"Forbidden.ResourceNotFound":   ErrNotFound,
		"InvalidSecretId.NotFound":     ErrNotFound,
		"InvalidNamespaceId.NotFound":  ErrNotFound,
		"InvalidAccessKeyId.NotFound":  ErrInvalidCredentials, // HTTP 404 too, but never "not found"
		"InvalidAccessKeyId.Inactive":  ErrInvalidCredentials,
		"SignatureDoesNotMatch":        ErrInvalidCredentials,
		"IncompleteSignature":          ErrInvalidCredentials,
		"InvalidSecurityToken.Expired": ErrInvalidCredentials,
		"InvalidSignature":             ErrInvalidCredentials,
		"InvalidSignature.Method":      ErrInvalidCredentials,
		"RequestTimeTooSkewed":         ErrClockSkew,
		"AccessDenied":                 ErrAccessDenied,
		"AccessDenied.Unauthorized":    ErrAccessDenied,
		"NoPermission":                 ErrAccessDenied,
		"Forbidden":                    ErrAccessDenied,
		"EntityNotExist.Role":          ErrNotFound,
		"InvalidParam.Bad":             ErrInvalidParameter,
		"MissingParameter":             ErrInvalidParameter,
		"InvalidActionX":               ErrInvalidParameter,
		"Throttling":                   ErrThrottled,
		"Throttling.User":              ErrThrottled,
		"Throttling.Api":               ErrThrottled,
		"Rejected.Throttling":          ErrThrottled,
		"Forbidden.NoPermission":       ErrAccessDenied,
		"Forbidden.RAM":                ErrAccessDenied,
		"Forbidden.InDebt":             ErrAccessDenied,
		"InvalidParameter":             ErrInvalidParameter,
		"InvalidParameter.NotEmpty":    ErrInvalidParameter,
		"MissingSecretName":            ErrInvalidParameter,
		"InvalidTimeStamp.Expired":     ErrClockSkew,
		"IllegalTimestamp":             ErrClockSkew,
		"ServiceUnavailable":           ErrServiceUnavailable,
		"ServiceUnavailableTemporary":  ErrServiceUnavailable,
		"InternalFailure":              ErrServiceUnavailable,
		"InternalError":                ErrServiceUnavailable,
		"DryRunOperation":              ErrDryRun,
		"InvalidAction.NotFound":       ErrInvalidParameter,
		"InvalidVersion":               ErrInvalidParameter,
		"SomethingElse":                nil,
		"":                             nil,
	}
	for code, want := range cases {
		t.Run(code, func(t *testing.T) {
			var err error = fmt.Errorf("wrapped: %w", &APIError{Service: "kms", Operation: "Op", StatusCode: 404, Code: code})
			for _, c := range classes {
				assert.Equal(t, c == want, errors.Is(err, c), "errors.Is(%s, %v)", code, c)
			}
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, want, apiErr.Class())
		})
	}
}

// TestThrottledByStatusOrWait pins the one class a status or a requested
// wait decides: a gateway shedding load answers 429 (or asks for a wait)
// before it looks at the request, so its code says nothing about it.
func TestThrottledByStatusOrWait(t *testing.T) {
	cases := []struct {
		name string
		e    APIError
		want error
	}{
		{"plain-text 429", APIError{StatusCode: 429, Message: "Too Many Requests"}, ErrThrottled},
		{"429 with another code", APIError{StatusCode: 429, Code: "ServiceUnavailable"}, ErrThrottled},
		{"503 with a wait", APIError{StatusCode: 503, Code: "ServiceUnavailable", RetryAfter: time.Second}, ErrThrottled},
		{"400 with a wait", APIError{StatusCode: 400, RetryAfter: time.Millisecond}, ErrThrottled},
		{"503 without a wait", APIError{StatusCode: 503, Code: "ServiceUnavailable"}, ErrServiceUnavailable},
		{"plain-text 503", APIError{StatusCode: 503}, nil},
		{"plain-text 428", APIError{StatusCode: 428}, nil},
		{"plain-text 430", APIError{StatusCode: 430}, nil},
		{"404 not found, no wait", APIError{StatusCode: 404, Code: "Forbidden.ResourceNotFound"}, ErrNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.e
			assert.Equal(t, tc.want, e.Class())
			assert.Equal(t, tc.want == ErrThrottled, errors.Is(fmt.Errorf("w: %w", &e), ErrThrottled))
		})
	}
}

func TestAPIErrorMessage(t *testing.T) {
	e := &APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 404, Code: "Forbidden.ResourceNotFound", Message: "Resource not found", RequestID: "7A-1"}
	assert.Equal(t, "kms GetSecretValue: Forbidden.ResourceNotFound: Resource not found (HTTP 404, request id 7A-1)", e.Error())
	assert.Equal(t, "Forbidden.ResourceNotFound", e.ErrorCode())
	assert.Equal(t, "Resource not found", e.ErrorMessage())
	e = &APIError{Service: "sae", Operation: "DescribeSecret", StatusCode: 502, Message: "502 Bad Gateway"}
	assert.Equal(t, "sae DescribeSecret: 502 Bad Gateway (HTTP 502)", e.Error())
	assert.Equal(t, "no message (HTTP 0)", (&APIError{}).Error())
}

func TestServerStringToSign(t *testing.T) {
	e := &APIError{Code: "SignatureDoesNotMatch", Message: "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Did"}
	assert.Equal(t, "POST&%2F&AccessKeyId%3Did", e.ServerStringToSign())
	assert.Empty(t, (&APIError{Message: "other"}).ServerStringToSign())
}

func TestAPIErrorTextParts(t *testing.T) {
	cases := map[string]struct {
		e    APIError
		want string
	}{
		"operation without service": {APIError{Operation: "Op", StatusCode: 500, Message: "m"}, "Op: m (HTTP 500)"},
		"service without operation": {APIError{Service: "kms", StatusCode: 500, Message: "m"}, "kms: m (HTTP 500)"},
		"code without message":      {APIError{Service: "kms", Operation: "Op", StatusCode: 400, Code: "C"}, "kms Op: C: no message (HTTP 400)"},
	}
	for name, tc := range cases {
		assert.Equal(t, tc.want, tc.e.Error(), name)
	}
}

// The marker may start the message.
func TestServerStringToSignAtTheStart(t *testing.T) {
	assert.Equal(t, "GET&%2F&x", (&APIError{Message: "server string to sign is:GET&%2F&x"}).ServerStringToSign())
	assert.Empty(t, (&APIError{Message: "server string to sign is"}).ServerStringToSign())
}
