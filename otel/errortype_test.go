package otel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/alisecret/alisecret-go/signer"
)

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestErrorType(t *testing.T) {
	throttled := &signer.APIError{Service: "kms", StatusCode: 429, Code: "Rejected.Throttling", Message: "slow down"}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"api error code", fmt.Errorf("wrapped: %w", throttled), "Rejected.Throttling"},
		{"api error without a code", &signer.APIError{StatusCode: 502, Message: "an HTML page (1024 bytes, text/html)"}, "502"},
		{"deadline, last failure throttled", errors.Join(context.DeadlineExceeded, throttled), "timeout"},
		{"cancelled", fmt.Errorf("kms GetSecretValue: %w", context.Canceled), "canceled"},
		{"invalid input", fmt.Errorf("kms GetSecretValue: %w: SecretName is required", signer.ErrInvalidInput), "invalid_input"},
		{"invalid credentials", fmt.Errorf("kms: %w: the provider returned none", signer.ErrInvalidCredentials), "invalid_credentials"},
		{"response too large", fmt.Errorf("kms: %w", signer.ErrResponseTooLarge), "response_too_large"},
		{"connection refused", fmt.Errorf("kms: %w", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}), "connection"},
		{"network timeout", fmt.Errorf("kms: %w", timeoutErr{}), "timeout"},
		{"body cut short", fmt.Errorf("kms: reading the answer: %w", io.ErrUnexpectedEOF), "connection"},
		{"anything else", errors.New("something odd happened"), "_OTHER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, errorType(tt.err))
		})
	}
}
