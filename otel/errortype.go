package otel

import (
	"context"
	"errors"
	"io"
	"net"
	"strconv"

	"github.com/alisecret/alisecret-go/signer"
)

// errorType is the error.type of err: a short, bounded name of its class,
// never its message. "" for nil. A context's end comes first: a call that
// ran out of time while throttled failed because of its deadline (its
// throttled attempts are counted with their own code).
func errorType(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timeout"
	}
	if errors.Is(err, context.Canceled) {
		return "canceled"
	}
	var apiErr *signer.APIError
	if errors.As(err, &apiErr) {
		if apiErr.Code != "" {
			return apiErr.Code
		}
		// An error answer without a code (a proxy's page, say): its HTTP
		// status, as the HTTP conventions name such an error.
		return strconv.Itoa(apiErr.StatusCode)
	}
	switch {
	case errors.Is(err, signer.ErrInvalidInput):
		return "invalid_input"
	case errors.Is(err, signer.ErrInvalidCredentials):
		return "invalid_credentials"
	case errors.Is(err, signer.ErrResponseTooLarge):
		return "response_too_large"
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		if netErr.Timeout() {
			return "timeout"
		}
		return "connection"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		// The connection closed before the whole answer came.
		return "connection"
	}
	return "_OTHER"
}
