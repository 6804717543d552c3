package sae_test

import (
	"net/http"
	"testing"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// The benchmarks talk to a saetest server in another process, so their
// allocations are the client's alone.
// Ours and the floor share one http.Client and one server.
func loopbackClients(tb testing.TB) (*sae.Client, *floorClient) {
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

func loopbackClient(b *testing.B) *sae.Client {
	c, _ := loopbackClients(b)
	return c
}

// BenchmarkSAEFloor is the least a correct client does for one
// DescribeSecret (see floorClient), against the same server as
// BenchmarkSAEDescribeSecret.
func BenchmarkSAEFloor(b *testing.B) {
	_, f := loopbackClients(b)
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := f.describe(benchNamespace, benchSecretID); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

func BenchmarkSAEDescribeSecret(b *testing.B) {
	c := loopbackClient(b)
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
	c := loopbackClient(b)
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
