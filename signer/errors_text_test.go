package signer

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Error builds its text without growing its builder, whatever the length
// of each field: the size it reserves covers every part. Two allocations:
// the text and the status's digits.
func TestAPIErrorTextOneAllocation(t *testing.T) {
	long := func(c string, n int) string { return strings.Repeat(c, n) }
	for name, e := range map[string]*APIError{
		"long operation":  {Service: "kms", Operation: long("O", 200), StatusCode: 404, Code: "C", Message: "m", RequestID: "r"},
		"long code":       {Service: "kms", Operation: "Op", StatusCode: 404, Code: long("C", 200), Message: "m", RequestID: "r"},
		"long message":    {Service: "kms", Operation: "Op", StatusCode: 404, Code: "C", Message: long("M", 200), RequestID: "r"},
		"long request id": {Service: "kms", Operation: "Op", StatusCode: 404, Code: "C", Message: "m", RequestID: long("R", 200)},
		"long service":    {Service: long("S", 200), Operation: "Op", StatusCode: 404, Code: "C", Message: "m", RequestID: "r"},
		"every part":      {Service: "kms", Operation: "GetSecretValue", StatusCode: 404, Code: "Forbidden.ResourceNotFound", Message: "Resource not found", RequestID: "7A1B2C3D-0000-4000-8000-000000000000"},
	} {
		var text string
		allocs := testing.AllocsPerRun(20, func() { text = e.Error() })
		assert.Equal(t, 2.0, allocs, name)
		assert.Contains(t, text, e.Message, name)
	}
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
