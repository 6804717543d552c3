package sae_test

import (
	"testing"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// BenchmarkSAEDescribeSecret is one signed round trip to the saetest server
// on loopback (the server's own work is included).
func BenchmarkSAEDescribeSecret(b *testing.B) {
	srv := saetest.NewServer()
	b.Cleanup(srv.Close)
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretName: "db", SecretData: map[string]string{"password": "czNjcjN0"}})
	if err != nil {
		b.Fatal(err)
	}
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	in := &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: id}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DescribeSecret(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
