package sae_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// Every body an SAE answer can carry, through the transport's check of
// error answers and SAE's decode of success answers: which are
// failures, with what code and text, and that no text quotes the body.
func TestCheckResponseBodies(t *testing.T) {
	const notDoc = "decoding the response: not a DescribeSecret document: "
	const good = `{"RequestId":"r","Success":true,"Code":"200","Data":{"NamespaceId":"cn-beijing:test","SecretId":16,"SecretData":{"k":"SUPERSECRET"}}}`
	cases := []struct {
		name    string
		status  int
		body    string
		code    string
		wantMsg string // with %d for the body size; "" with code "": success
		class   error
	}{
		{"the document", 200, good, "", "", nil},
		{"success false under 200", 200, `{"Success":false,"Code":"400","ErrorCode":"InvalidParameter.WithMessage","Message":"bad namespace","RequestId":"r"}`,
			"InvalidParameter.WithMessage", "bad namespace", signer.ErrInvalidParameter},
		{"success false, retryable", 200, `{"Success":"false","ErrorCode":"InternalError","Message":"m"}`, "InternalError", "m", signer.ErrServiceUnavailable},
		{"error envelope under 400", 400, `{"Success":false,"Code":"400","ErrorCode":"InvalidSecretId.NotFound","Message":"gone","TraceId":"t"}`,
			"InvalidSecretId.NotFound", "gone", signer.ErrNotFound},
		{"all-null data", 200, `{"Success":true,"Data":{"NamespaceId":null,"SecretId":null,"SecretName":null,"SecretType":null,"SecretData":null}}`,
			"", notDoc + "Data is empty (every field null or absent) (%d bytes, application/json)", nil},
		{"null data", 200, `{"Success":true,"Data":null}`, "", notDoc + "no Data (%d bytes, application/json)", nil},
		{"secret id 0", 200, `{"Success":true,"Data":{"NamespaceId":"n","SecretId":0,"SecretData":{"k":"SUPERSECRET"}}}`,
			"", notDoc + "Data has no SecretId above 0 (%d bytes, application/json)", nil},
		{"negative secret id", 200, `{"Success":true,"Data":{"NamespaceId":"n","SecretId":-3}}`, "", notDoc + "Data has no SecretId above 0 (%d bytes, application/json)", nil},
		{"no namespace id", 200, `{"Success":true,"Data":{"SecretId":16,"SecretData":{"k":"SUPERSECRET"}}}`,
			"", notDoc + "Data has no NamespaceId (%d bytes, application/json)", nil},
		{"no success", 200, `{"Data":{"NamespaceId":"n","SecretId":16}}`, "", notDoc + `no "Success": true (%d bytes, application/json)`, nil},
		{"not json", 200, `SUPERSECRET`, "", notDoc + "malformed JSON at byte offset 1 (%d bytes, application/json)", nil},
		{"truncated", 200, good[:60], "", notDoc + "truncated JSON (%d bytes, application/json)", nil},
		{"success document under 502", 502, good, "", "a document with no Code or Message (%d bytes, application/json)", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Acs-Request-Id", "hdr-id")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := sae.New(sae.Options{Endpoint: srv.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
			require.NoError(t, err)
			out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: 16})
			if tc.code == "" && tc.wantMsg == "" {
				require.NoError(t, err)
				assert.Equal(t, int64(16), out.Secret.SecretID)
				assert.Equal(t, "r", out.RequestID)
				return
			}
			assert.Nil(t, out)
			var e *sae.APIError
			require.ErrorAs(t, err, &e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			want := tc.wantMsg
			if strings.Contains(want, "%d") {
				want = fmt.Sprintf(want, len(tc.body))
			}
			assert.Equal(t, want, e.Message)
			assert.Equal(t, "DescribeSecret", e.Operation)
			assert.NotEmpty(t, e.RequestID)
			assert.NotContains(t, e.Error(), "SUPERSECRET")
			if tc.class != nil {
				assert.True(t, errors.Is(e, tc.class), "class %v", tc.class)
			}
		})
	}
}
