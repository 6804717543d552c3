//go:build unix

package kms_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// The end-to-end benchmarks talk to the server benchEndpoint names (the fake
// server process .ci/bench starts, so that what they measure is the client
// alone). They report cpu-ns/op from getrusage (bench_cpu_test.go), hence
// unix only. Ours and the floor share one http.Client and one server.

func benchClients(tb testing.TB, version ...signer.Version) (*kms.Client, *floorClient) {
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
	_, f := benchClients(b)
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
	_, f := benchClients(b, signer.V3)
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
	c, _ := benchClients(b, signer.V3)
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

// BenchmarkGetSecretValue is one GetSecretValue signed with RPC v1 (the
// default), against the same server as BenchmarkFloor.
func BenchmarkGetSecretValue(b *testing.B) {
	c, _ := benchClients(b)
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
	c, _ := benchClients(b)
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
	c, _ := benchClients(b)
	in := &kms.DescribeSecretInput{SecretName: benchSecretName, FetchTags: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DescribeSecret(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDescribeSecretParallel(b *testing.B) {
	c, _ := benchClients(b)
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

// countingObserver counts what it is told, as a metrics adapter would.
type countingObserver struct{ calls, attempts atomic.Int64 }

func (o *countingObserver) StartCall(ctx context.Context, _ kms.CallInfo) context.Context {
	o.calls.Add(1)
	return ctx
}
func (o *countingObserver) ObserveAttempt(context.Context, kms.AttemptInfo) { o.attempts.Add(1) }
func (o *countingObserver) EndCall(context.Context, kms.CallInfo, error)    {}

// BenchmarkGetSecretValueObserved is BenchmarkGetSecretValue with an
// Observer set, to compare the call path with and without one.
func BenchmarkGetSecretValueObserved(b *testing.B) {
	c, _ := benchClients(b)
	obs := &countingObserver{}
	in := &kms.GetSecretValueInput{SecretName: benchSecretName}
	withObserver := func(o *kms.Options) { o.Observer = obs }
	c, err := kms.New(c.Options(), withObserver)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	stop := cpuPerOp(b)
	for b.Loop() {
		if _, err := c.GetSecretValue(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
	stop()
	if obs.attempts.Load() < int64(b.N) {
		b.Fatalf("observed %d attempts for %d calls", obs.attempts.Load(), b.N)
	}
}
