package sae_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// FuzzDescribeSecretResponse: arbitrary answers never panic, and success is
// only reported for a 2xx body with "Success": true and Data.
func FuzzDescribeSecretResponse(f *testing.F) {
	f.Add(200, []byte(`{"Success":true,"Code":"200","Data":{"SecretId":16,"SecretData":{"k":"dg=="},"RelateApps":[{"AppId":"a"}]}}`))
	f.Add(200, []byte(`{"Success":false,"ErrorCode":"InternalError","Code":"200"}`))
	f.Add(400, []byte(`{"Success":false,"ErrorCode":"InvalidSecretId.NotFound","Code":"400"}`))
	f.Add(200, []byte(`{"Success":true,"Data":null}`))
	f.Add(502, []byte(`<html><title>bad gateway</title></html>`))
	var (
		mu     sync.Mutex
		status int
		body   []byte
	)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		st, b := status, body
		mu.Unlock()
		w.WriteHeader(st)
		_, _ = w.Write(b)
	}))
	defer hs.Close()
	c, err := sae.New(sae.Options{Endpoint: hs.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		mu.Lock()
		status, body = 200+((st%400)+400)%400, b
		ok2xx := status < 300
		mu.Unlock()
		out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 1})
		if err == nil {
			require.True(t, ok2xx)
			require.NotNil(t, out)
		}
	})
}
