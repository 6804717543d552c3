package sae_test

import (
	"net/http"
	"testing"

	"github.com/alisecret/alisecret-go/internal/loopback"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
	"github.com/alisecret/alisecret-go/signer"
)

// The benchmarks talk to a saetest server in another process, so their
// allocations are the client's alone.
func loopbackClient(b *testing.B) *sae.Client {
	b.Helper()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.Cleanup(hc.CloseIdleConnections)
	c, err := sae.New(sae.Options{
		Endpoint:    loopback.Start(b, "sae"),
		Credentials: signer.StaticCredentials(saetest.DefaultAccessKeyID, saetest.DefaultAccessKeySecret, ""),
		HTTPClient:  hc,
	})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkSAEDescribeSecret(b *testing.B) {
	c := loopbackClient(b)
	in := &sae.DescribeSecretInput{NamespaceID: loopbackNamespace, SecretID: 16}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DescribeSecret(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSAEDescribeSecretParallel(b *testing.B) {
	c := loopbackClient(b)
	in := &sae.DescribeSecretInput{NamespaceID: loopbackNamespace, SecretID: 16}
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
