package kms_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// RequestID comes from the body's RequestId and, when the body has none,
// from the x-acs-request-id header; for every operation.
func TestRequestIDFallsBackToTheHeader(t *testing.T) {
	cases := []struct {
		name, body, header, want string
	}{
		{"body wins", `{"SecretName":"s","TotalCount":0,"RequestId":"from-body"}`, "from-header", "from-body"},
		{"header when the body has none", `{"SecretName":"s","TotalCount":0}`, "from-header", "from-header"},
		{"neither", `{"SecretName":"s","TotalCount":0}`, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.header != "" {
					w.Header().Set("X-Acs-Request-Id", tc.header)
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tc.body))
			}))
			t.Cleanup(srv.Close)
			c, err := kms.New(kms.Options{Endpoint: srv.URL, Credentials: signer.StaticCredentials("id", "secret", "")})
			require.NoError(t, err)
			got, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "s"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.RequestID, "GetSecretValue")
			desc, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "s"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, desc.RequestID, "DescribeSecret")
			list, err := c.ListSecrets(ctx, &kms.ListSecretsInput{})
			require.NoError(t, err)
			assert.Equal(t, tc.want, list.RequestID, "ListSecrets")
			versions, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, versions.RequestID, "ListSecretVersionIDs")
		})
	}
}
