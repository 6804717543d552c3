package kms

import (
	"context"
	"time"
)

// Hooks for the cache tests in package kms_test.

// SetCacheFetch replaces what c asks KMS; call it before c's first use.
func SetCacheFetch(c *Cache, f func(ctx context.Context, name, stage string, background bool) (*GetSecretValueOutput, error)) {
	c.fetchFn = func(ctx context.Context, key cacheKey, background bool) (*GetSecretValueOutput, error) {
		return f(ctx, key.name, key.stage, background)
	}
}

// SetCacheRand replaces the jitter source, [0, 1); call it before c's first use.
func SetCacheRand(c *Cache, f func() float64) { c.rand = f }

// WaitCacheFetches waits until no fetch of c runs (OnChange calls
// included). The test goroutine must be the only one starting fetches.
func WaitCacheFetches(c *Cache) { c.wg.Wait() }

// CacheRetryDelay exposes the backoff after the failures-th failure.
func CacheRetryDelay(c *Cache, failures int, err error) time.Duration {
	return c.retryDelay(failures, err)
}

// NewCachedSecret is what a cache holds for o.
func NewCachedSecret(o *GetSecretValueOutput) CachedSecret { return CachedSecret{o} }
