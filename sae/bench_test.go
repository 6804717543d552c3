//go:build unix

package sae_test

import (
	"net/http"
	"testing"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// The end-to-end benchmarks talk to the server benchEndpoint names (the fake
// server process .ci/bench starts, so that what they measure is the client
// alone). They report cpu-ns/op from getrusage (bench_cpu_test.go), hence
// unix only. Ours and the floor share one http.Client and one server.
func benchClients(tb testing.TB) (*sae.Client, *floorClient) {
	tb.Helper()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	tb.Cleanup(hc.CloseIdleConnections)
	endpoint := benchEndpoint(tb)
	c, err := sae.New(sae.Options{
		Endpoint:    endpoint,
		Credentials: signer.StaticCredentials(benchKeyID, benchKeySecret, ""),
		HTTPClient:  hc,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c, newFloor(hc, endpoint)
}

func benchClient(b *testing.B) *sae.Client {
	c, _ := benchClients(b)
	return c
}

// BenchmarkSAEFloor is the least a correct client does for one
// DescribeSecret (see floorClient), against the same server as
// BenchmarkSAEDescribeSecret.
func BenchmarkSAEFloor(b *testing.B) {
	_, f := benchClients(b)
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := f.describe(benchNamespace, benchSecretID); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

// BenchmarkSAEDescribeSecret is one DescribeSecret (ROA v1), against the
// same server as BenchmarkSAEFloor.
func BenchmarkSAEDescribeSecret(b *testing.B) {
	c := benchClient(b)
	in := &sae.DescribeSecretInput{NamespaceID: benchNamespace, SecretID: benchSecretID}
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := c.DescribeSecret(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

func BenchmarkSAEDescribeSecretParallel(b *testing.B) {
	c := benchClient(b)
	in := &sae.DescribeSecretInput{NamespaceID: benchNamespace, SecretID: benchSecretID}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.DescribeSecret(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
