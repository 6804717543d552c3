package kms

import (
	"context"
	"time"
)

// Hooks for the cache tests in package kms_test.

// SetCacheFetch replaces what c asks KMS for a Get with f, told whether
// the fetch runs in the background (its per-call options ask for one
// attempt); call it before c's first use.
func SetCacheFetch(c *Cache, f func(ctx context.Context, name, stage string, background bool) (*GetSecretValueOutput, error)) {
	c.fetchFn = func(ctx context.Context, in *GetSecretValueInput, optFns ...func(*Options)) (*GetSecretValueOutput, error) {
		var o Options
		for _, fn := range optFns {
			fn(&o)
		}
		return f(ctx, in.SecretName, in.VersionStage, o.RetryMaxAttempts == 1)
	}
}

// SetCacheBatch replaces what c asks KMS for a Preload; call it before
// c's first use.
func SetCacheBatch(c *Cache, f func(ctx context.Context, in *BatchGetSecretValueInput) (*BatchGetSecretValueOutput, error)) {
	c.batchFn = func(ctx context.Context, in *BatchGetSecretValueInput, _ ...func(*Options)) (*BatchGetSecretValueOutput, error) {
		return f(ctx, in)
	}
}

// SetCacheRand replaces the jitter and eviction source, [0, 1); call it
// before c's first use.
func SetCacheRand(c *Cache, f func() float64) { c.rand = f }

// SetCacheTimers replaces time.AfterFunc for the RefreshInterval timers;
// call it before c's first use.
func SetCacheTimers(c *Cache, afterFunc func(d time.Duration, f func()) (stop func() bool)) {
	c.afterFunc = afterFunc
}

// WaitCacheFetches waits until no fetch of c runs (callbacks included).
// The test goroutine must be the only one starting fetches.
func WaitCacheFetches(c *Cache) { c.wg.Wait() }

// CacheRetryDelay exposes the backoff after the failures-th failure.
func CacheRetryDelay(c *Cache, failures int, err error) time.Duration {
	return c.retryDelay(failures, err)
}
