package sae_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// headerServer answers every request with body and the request id header
// X-Acs-Request-Id: hdr-id, and counts the requests.
func headerServer(t *testing.T, body string) (*sae.Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Acs-Request-Id", "hdr-id")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(hs.Close)
	c, err := sae.New(sae.Options{Endpoint: hs.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
	require.NoError(t, err)
	return c, &n
}

// RequestID is the body's RequestId; only when the body has none is it the
// X-Acs-Request-Id header.
func TestRequestIDFallsBackToTheHeader(t *testing.T) {
	const describe = `{"Success":true,%s"Data":{"NamespaceId":"n","SecretId":16}}`
	const list = `{"Success":true,%s"Data":{"Secrets":[]}}`
	for _, tc := range []struct {
		name, field, want string
	}{
		{"body has none", ``, "hdr-id"},
		{"body has one", `"RequestId":"body-id",`, "body-id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := headerServer(t, fmt.Sprintf(describe, tc.field))
			out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
			require.NoError(t, err)
			assert.Equal(t, tc.want, out.RequestID, "DescribeSecret")

			c, _ = headerServer(t, fmt.Sprintf(list, tc.field))
			lout, err := c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, lout.RequestID, "ListSecrets")
		})
	}
}

// The caller's context reaches the call: a cancelled one stops it before
// anything is sent; a nil one is context.Background.
func TestCallerContextReachesTheCall(t *testing.T) {
	c, n := headerServer(t, `{"Success":true,"RequestId":"r","Data":{"NamespaceId":"n","SecretId":16}}`)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.DescribeSecret(cancelled, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
	require.ErrorIs(t, err, context.Canceled)
	_, err = c.ListSecrets(cancelled, &sae.ListSecretsInput{NamespaceID: "n"})
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, n.Load(), "a cancelled call sends nothing")

	var none context.Context
	out, err := c.DescribeSecret(none, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
	require.NoError(t, err)
	assert.Equal(t, int64(16), out.Secret.SecretID)
}

// An empty or blank docker config value is an error naming the key, not a
// panic.
func TestDockerConfigEmptyValue(t *testing.T) {
	for _, v := range []string{"", "   ", "\n"} {
		for _, key := range []string{sae.DockerConfigJSONKey, sae.DockerConfigKey} {
			s := sae.Secret{SecretName: "x", SecretData: map[string]string{key: v}}
			var err error
			require.NotPanics(t, func() { _, err = s.DockerConfig() }, "%q under %s", v, key)
			require.Error(t, err, "%q under %s", v, key)
			assert.Contains(t, err.Error(), "key "+key)
		}
	}
}
