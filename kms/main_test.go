package kms_test

import (
	"os"
	"testing"

	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// The benchmarks' server: the fake server process .ci/bench starts
// (ALISECRET_BENCH_URL, seeded with examples/fakeserver/testdata/seed.json),
// so that what they measure is the client alone; without it, an
// in-process kmstest with the same key and secret.
const (
	benchSecretName  = "prod/db-password"
	benchSecretValue = "n3w-Pa55w0rd!"
	benchKeyID       = "LTAIfakeserverTest"
	benchKeySecret   = "fakeserver-test-secret"
)

func benchEndpoint(tb testing.TB) string {
	if u := os.Getenv("ALISECRET_BENCH_URL"); u != "" {
		return u
	}
	srv := kmstest.NewServer(kmstest.WithAccessKey(benchKeyID, benchKeySecret))
	tb.Cleanup(srv.Close)
	srv.PutSecretValue(benchSecretName, benchSecretValue)
	return srv.URL
}
