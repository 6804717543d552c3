package kms_test

import (
	"net/http"
	"testing"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// The end-to-end benchmarks talk to a kmstest server in another process
// (internal/loopback), so their allocations are the client's alone. Ours
// and the floor share one http.Client and one server.

func loopbackClients(tb testing.TB, version ...signer.Version) (*kms.Client, *floorClient) {
	tb.Helper()
	v := signer.V1
	if len(version) > 0 {
		v = version[0]
	}
	endpoint := benchEndpoint(tb)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	tb.Cleanup(hc.CloseIdleConnections)
	c, err := kms.New(kms.Options{
		Endpoint:         endpoint,
		Credentials:      signer.StaticCredentials(benchKeyID, benchKeySecret, ""),
		HTTPClient:       hc,
		SignatureVersion: v,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return c, newFloor(hc, endpoint)
}

// BenchmarkFloor is the least a correct client does for one GetSecretValue
// (see floorClient), against the same server as BenchmarkGetSecretValue.
func BenchmarkFloor(b *testing.B) {
	_, f := loopbackClients(b)
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := f.get(benchSecretName); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

// BenchmarkFloorACS3 is the floor of GetSecretValue signed with ACS3
// (floorClient.getACS3), against the same server as
// BenchmarkGetSecretValueACS3.
func BenchmarkFloorACS3(b *testing.B) {
	_, f := loopbackClients(b, signer.V3)
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := f.getACS3(benchSecretName); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

// BenchmarkGetSecretValueACS3 is GetSecretValue with SignatureVersion V3.
func BenchmarkGetSecretValueACS3(b *testing.B) {
	c, _ := loopbackClients(b, signer.V3)
	in := &kms.GetSecretValueInput{SecretName: benchSecretName}
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := c.GetSecretValue(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

func BenchmarkGetSecretValue(b *testing.B) {
	c, _ := loopbackClients(b)
	in := &kms.GetSecretValueInput{SecretName: benchSecretName}
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := c.GetSecretValue(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	stop()
}

func BenchmarkGetSecretValueParallel(b *testing.B) {
	c, _ := loopbackClients(b)
	in := &kms.GetSecretValueInput{SecretName: benchSecretName}
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
	c, _ := loopbackClients(b)
	in := &kms.DescribeSecretInput{SecretName: benchSecretName, FetchTags: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DescribeSecret(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDescribeSecretParallel(b *testing.B) {
	c, _ := loopbackClients(b)
	in := &kms.DescribeSecretInput{SecretName: benchSecretName, FetchTags: true}
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
