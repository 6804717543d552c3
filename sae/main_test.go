package sae_test

import (
	"os"
	"testing"

	"github.com/alisecret/alisecret-go/sae/saetest"
)

// The benchmarks' server: the fake server process .ci/bench starts
// (ALISECRET_BENCH_URL, seeded with examples/fakeserver/testdata/seed.json),
// so that what they measure is the client alone; without it, an
// in-process saetest with the same key and secret.
const (
	benchNamespace = "cn-beijing:test"
	benchSecretID  = 17
	benchKeyID     = "LTAIfakeserverTest"
	benchKeySecret = "fakeserver-test-secret"
)

func benchEndpoint(tb testing.TB) string {
	if u := os.Getenv("ALISECRET_BENCH_URL"); u != "" {
		return u
	}
	srv := saetest.NewServer(saetest.WithAccessKey(benchKeyID, benchKeySecret))
	tb.Cleanup(srv.Close)
	if _, err := srv.PutSecret(saetest.Secret{NamespaceID: benchNamespace, SecretID: benchSecretID, SecretName: "db-credentials",
		SecretData: map[string]string{"password": "czNjcjN0"}}); err != nil {
		tb.Fatal(err)
	}
	return srv.URL
}
