package kms

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

// Every body a KMS answer can carry, through the one check: which are
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
			a := newAnswer[getSecretValueWire]("GetSecretValue")
			w := &a.Doc
			h := http.Header{"Content-Type": {tc.ct}, "X-Acs-Request-Id": {"hdr-id"}}
			if tc.ct == "" {
				delete(h, "Content-Type")
			}
			e := a.Check(tc.status, h, []byte(tc.body))
			if tc.code == "" && tc.wantMsg == "" {
				require.Nil(t, e)
				assert.Equal(t, "db", string(w.SecretName))
				assert.Equal(t, "SUPERSECRET", string(w.SecretData))
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			assert.Equal(t, tc.wantMsg, e.Message)
			assert.NotEmpty(t, e.RequestID)
			assert.NotContains(t, e.Error(), "SUPERSECRET")
			if tc.class != nil {
				assert.True(t, errors.Is(e, tc.class))
			}
		})
	}
}

// The document is cleared before each answer: a field of an earlier
// attempt's body never survives into the next one's.
func TestCheckResponseClearsTheDocument(t *testing.T) {
	a := newAnswer[getSecretValueWire]("GetSecretValue")
	w := &a.Doc
	check := a.Check
	require.Nil(t, check(200, http.Header{}, []byte(`{"SecretName":"a","SecretData":"old","VersionId":"v1"}`)))
	require.Nil(t, check(200, http.Header{}, []byte(`{"SecretName":"b"}`)))
	assert.Equal(t, getSecretValueWire{SecretName: "b"}, *w)
}
