package kms_test

import (
	"testing"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

func benchClient(b *testing.B) *kms.Client {
	b.Helper()
	srv := kmstest.NewServer()
	b.Cleanup(srv.Close)
	srv.PutSecretValue("db", "correct horse battery staple")
	c, err := srv.Client()
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkGetSecretValue is one signed round trip to the kmstest server on
// loopback (the server's own work is included).
func BenchmarkGetSecretValue(b *testing.B) {
	c := benchClient(b)
	in := &kms.GetSecretValueInput{SecretName: "db"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetSecretValue(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetSecretValueParallel(b *testing.B) {
	c := benchClient(b)
	in := &kms.GetSecretValueInput{SecretName: "db"}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.GetSecretValue(ctx, in); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkDescribeSecret(b *testing.B) {
	c := benchClient(b)
	in := &kms.DescribeSecretInput{SecretName: "db", FetchTags: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DescribeSecret(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}
