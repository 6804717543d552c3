package sae_test

import (
	"os"
	"testing"

	"github.com/alisecret/alisecret-go/internal/loopback"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

const loopbackNamespace = "cn-beijing:test"

func TestMain(m *testing.M) {
	loopback.ServeIfChild(map[string]func() string{"sae": func() string {
		srv := saetest.NewServer()
		_, _ = srv.PutSecret(saetest.Secret{NamespaceID: loopbackNamespace, SecretID: 16, SecretName: "db", SecretData: map[string]string{"password": "czNjcjN0"}})
		return srv.URL
	}})
	os.Exit(m.Run())
}
