package kms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

// rawServer answers every request with status and body, and returns a
// client pointed at it that makes one attempt.
func rawServer(t *testing.T, status int, body []byte) *kms.Client {
	t.Helper()
	srv := rawserver.New(t)
	srv.Set(status, body)
	return rawClient(t, srv)
}

func rawClient(tb testing.TB, srv *rawserver.Server) *kms.Client {
	tb.Helper()
	c, err := kms.New(kms.Options{
		Endpoint:         srv.URL,
		Credentials:      signer.StaticCredentials("id", "secret", ""),
		RetryMaxAttempts: 1,
	})
	require.NoError(tb, err)
	return c
}

func newFake(t *testing.T, opts ...kmstest.Option) (*kmstest.Server, *kms.Client) {
	t.Helper()
	srv := kmstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	return srv, c
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
