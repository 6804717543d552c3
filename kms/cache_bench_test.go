package kms_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// hitCache returns a cache already holding the named secrets.
func hitCache(b *testing.B, names ...string) *kms.Cache {
	b.Helper()
	srv := kmstest.NewServer()
	b.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(b, err)
	cache := kms.NewCache(c, kms.CacheOptions{MaxEntries: len(names)})
	b.Cleanup(cache.Close)
	for _, name := range names {
		srv.PutSecretValue(name, "v1")
		_, err = cache.Get(ctx, name)
		require.NoError(b, err)
	}
	return cache
}

func BenchmarkCacheHit(b *testing.B) {
	cache := hitCache(b, "db")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := cache.Get(ctx, "db"); err != nil {
			b.Fatal(err)
		}
	}
}

// reportCPU adds cpu-ns/op: the process's CPU time per operation. On a
// machine busy with other work, ns/op at -cpu 2 says little about scaling,
// but cpu-ns/op still does: it stays flat when cores do not contend (the
// throughput then scales with the cores free), and grows when they do.
func reportCPU(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		if end, ok2 := processCPU(); ok && ok2 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

// BenchmarkCacheHitParallel: every goroutine reads the same secret, the
// worst case for shared memory. Compare -cpu 1,2.
func BenchmarkCacheHitParallel(b *testing.B) {
	cache := hitCache(b, "db")
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := cache.Get(ctx, "db"); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkCacheHitParallel1000Keys: goroutines read 1000 secrets in turn.
func BenchmarkCacheHitParallel1000Keys(b *testing.B) {
	names := make([]string, 1000)
	for i := range names {
		names[i] = fmt.Sprintf("app/secret-%d", i)
	}
	cache := hitCache(b, names...)
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	defer reportCPU(b)()
	b.RunParallel(func(pb *testing.PB) {
		i := int(next.Add(7919))
		for pb.Next() {
			i++
			if _, err := cache.Get(ctx, names[i%len(names)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
