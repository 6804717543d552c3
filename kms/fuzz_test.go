package kms_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// FuzzResponses feeds arbitrary status codes and bodies to both operations:
// they must never panic, and must never report success for a body without
// the secret's name.
func FuzzResponses(f *testing.F) {
	f.Add(200, []byte(`{"SecretName":"s","SecretData":"v","VersionStages":{"VersionStage":["ACSCurrent"]}}`))
	f.Add(200, []byte(`{"SecretName":"s","Tags":{"Tag":[{"TagKey":"k","TagValue":"v"}]},"RotationInterval":"604800s"}`))
	f.Add(200, []byte(`{}`))
	f.Add(404, []byte(`{"Code":"Forbidden.ResourceNotFound","Message":"Resource not found"}`))
	f.Add(502, []byte(`<html><title>502</title></html>`))
	f.Add(200, []byte(`{"SecretName":"s","CreateTime":"2018-07-05T08:22:03Z","LastRotationDate":1700000000000}`))
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
	c, err := kms.New(kms.Options{Endpoint: hs.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		mu.Lock()
		status, body = 200+((st%400)+400)%400, b // 200..599
		mu.Unlock()
		g, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "s"})
		if err == nil {
			require.True(t, st2xx(&mu, &status))
			require.NotEmpty(t, g.SecretName)
		}
		d, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "s"})
		if err == nil {
			require.True(t, st2xx(&mu, &status))
			require.NotEmpty(t, d.SecretName)
		}
	})
}

func st2xx(mu *sync.Mutex, status *int) bool {
	mu.Lock()
	defer mu.Unlock()
	return *status < 300
}
