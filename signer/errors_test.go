package signer

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorClasses(t *testing.T) {
	classes := []error{ErrDryRun, ErrNotFound, ErrThrottled, ErrAccessDenied, ErrInvalidCredentials, ErrInvalidParameter, ErrClockSkew, ErrServiceUnavailable}
	cases := map[string]error{
		"Forbidden.ResourceNotFound":   ErrNotFound,
		"InvalidSecretId.NotFound":     ErrNotFound,
		"InvalidNamespaceId.NotFound":  ErrNotFound,
		"InvalidAccessKeyId.NotFound":  ErrInvalidCredentials, // HTTP 404 too, but never "not found"
		"InvalidAccessKeyId.Inactive":  ErrInvalidCredentials,
		"SignatureDoesNotMatch":        ErrInvalidCredentials,
		"IncompleteSignature":          ErrInvalidCredentials,
		"InvalidSecurityToken.Expired": ErrInvalidCredentials,
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
