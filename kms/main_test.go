package kms_test

import (
	"os"
	"testing"

	"github.com/alisecret/alisecret-go/internal/loopback"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// Secret and credentials of the loopback server the benchmarks and the
// allocation budget test use.
const (
	loopbackSecretName  = "prod/db-password"
	loopbackSecretValue = "correct horse battery staple"
)

func TestMain(m *testing.M) {
	loopback.ServeIfChild(map[string]func() string{"kms": func() string {
		srv := kmstest.NewServer()
		srv.PutSecretValue(loopbackSecretName, loopbackSecretValue)
		return srv.URL
	}})
	os.Exit(m.Run())
}
