package kms_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
)

// fillAlloc fills a cache with n distinct secrets, one Get each, through a
// fetch that hands out values made beforehand (so it allocates nothing),
// and returns the bytes allocated during the fill.
func fillAlloc(t *testing.T, n int) uint64 {
	t.Helper()
	names := make([]string, n)
	values := make(map[string]*kms.GetSecretValueOutput, n)
	for i := range names {
		names[i] = fmt.Sprintf("app/service-%05d/secret", i)
		values[names[i]] = &kms.GetSecretValueOutput{SecretName: names[i], SecretData: "value", VersionID: "v1",
			VersionStages: []string{"ACSCurrent"}, RequestID: "request"}
	}
	cache := kms.NewCache(nil, kms.CacheOptions{MaxEntries: n})
	defer cache.Close()
	kms.SetCacheFetch(cache, func(_ context.Context, name, _ string, _ bool) (*kms.GetSecretValueOutput, error) {
		return values[name], nil
	})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, name := range names {
		if _, err := cache.Get(ctx, name); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	require.Equal(t, n, cache.Stats().Entries)
	return after.TotalAlloc - before.TotalAlloc
}

// Filling a cache allocates O(n): a bounded amount per secret, the same at
// 1,024 secrets as at 16,384, and at most 32 MB for 16,384.
func TestCacheFillAllocatesLinearly(t *testing.T) {
	small, large := fillAlloc(t, 1024), fillAlloc(t, 16384)
	perSmall, perLarge := float64(small)/1024, float64(large)/16384
	t.Logf("fill: 1,024 secrets %d bytes (%.0f a secret), 16,384 secrets %d bytes (%.0f a secret)", small, perSmall, large, perLarge)
	assert.LessOrEqual(t, large, uint64(32<<20), "16,384 secrets within 32 MB")
	assert.LessOrEqual(t, perLarge, 2048.0, "at most 2 KB a secret")
	assert.LessOrEqual(t, perLarge, 1.5*perSmall, "no more a secret in a larger cache")
}
