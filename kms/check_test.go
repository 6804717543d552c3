package kms_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// Every body a KMS answer can carry, through the transport's check of
// error answers and KMS's decode of success answers: which are
// failures, with what code and text, and that no text quotes the body.
func TestCheckResponseBodies(t *testing.T) {
	const notDoc = "decoding the response: not a GetSecretValue document: "
	cases := []struct {
		name    string
		status  int
		ct      string
		body    string
		code    string // "" with wantMsg: a failure without a code
		wantMsg string // "" and code "": success
		class   error
	}{
		{"the document", 200, "application/json", `{"SecretName":"db","SecretData":"SUPERSECRET","RequestId":"r"}`, "", "", nil},
		{"empty object", 200, "application/json", `{}`, "", notDoc + "no SecretName (2 bytes, application/json)", nil},
		{"error document under 200", 200, "application/json", `{"Code":"Forbidden.ResourceNotFound","Message":"x"}`, "", notDoc + "no SecretName (51 bytes, application/json)", nil},
		{"html under 200", 200, "text/html", `<html>ok</html>`, "", notDoc + "malformed JSON at byte offset 1 (15 bytes, text/html)", nil},
		{"truncated", 200, "application/json", `{"SecretName":"s","SecretData":"SUPERSECRET`, "", notDoc + "truncated JSON (43 bytes, application/json)", nil},
		{"object as the value", 200, "application/json", `{"SecretName":"s","SecretData":{"SUPERSECRET":1}}`, "", notDoc + "want text, got a JSON structure (49 bytes, application/json)", nil},
		{"null", 200, "application/json", `null`, "", notDoc + "no SecretName (4 bytes, application/json)", nil},
		{"not found", 404, "application/json", `{"Code":"Forbidden.ResourceNotFound","Message":"Resource not found","RequestId":"r"}`, "Forbidden.ResourceNotFound", "Resource not found", signer.ErrNotFound},
		{"success document under 502", 502, "application/json", `{"SecretName":"db","SecretData":"SUPERSECRET"}`, "", "a document with no Code or Message (46 bytes, application/json)", nil},
		{"proxy page", 503, "text/html", `<html><title>Busy</title></html>`, "", "unexpected response body (text/html): Busy", nil},
		{"empty 500", 500, "", ``, "", "empty response body (no Content-Type)", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.ct != "" {
					w.Header().Set("Content-Type", tc.ct)
				}
				w.Header().Set("X-Acs-Request-Id", "hdr-id")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := kms.New(kms.Options{Endpoint: srv.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
			require.NoError(t, err)
			out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
			if tc.code == "" && tc.wantMsg == "" {
				require.NoError(t, err)
				assert.Equal(t, "db", out.SecretName)
				assert.Equal(t, "SUPERSECRET", out.SecretData)
				return
			}
			assert.Nil(t, out)
			var e *kms.APIError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.wantMsg, e.Message)
			assert.Equal(t, "GetSecretValue", e.Operation)
			assert.NotEmpty(t, e.RequestID)
			assert.NotContains(t, e.Error(), "SUPERSECRET")
			if tc.class != nil {
				assert.True(t, errors.Is(e, tc.class))
			}
		})
	}
}
