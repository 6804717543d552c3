package kms_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

var (
	notFound = &kms.APIError{Service: "kms", Operation: "BatchGetSecretValue", StatusCode: 404, Code: "Forbidden.ResourceNotFound", Message: "Resource not found."}
	denied   = &kms.APIError{Service: "kms", Operation: "BatchGetSecretValue", StatusCode: 403, Code: "Forbidden.NoPermission"}
)

// failedNames returns, sorted, the SecretName of each BatchError joined in
// err, keyed to the error.
func failedNames(t *testing.T, err error) map[string]error {
	t.Helper()
	joined, ok := err.(interface{ Unwrap() []error })
	require.True(t, ok, "errors.Join: %v", err)
	failed := map[string]error{}
	for _, e := range joined.Unwrap() {
		var be kms.BatchError
		require.ErrorAs(t, e, &be)
		assert.Contains(t, e.Error(), fmt.Sprintf("%q", be.SecretName), "the error names its secret")
		failed[be.SecretName] = e
	}
	return failed
}

func TestCachePreload(t *testing.T) {
	f := newFakeKMS()
	f.failing = map[string]error{"app/missing": notFound, "app/denied": denied}
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	var names []string
	for i := range 43 {
		names = append(names, fmt.Sprintf("app/secret-%02d", i))
	}
	names = append(names, "app/missing", "app/secret-00", "app/denied") // one name twice: 45 distinct

	err := cache.Preload(ctx, names...)
	require.Error(t, err)
	failed := failedNames(t, err)
	assert.Len(t, failed, 2)
	require.ErrorIs(t, failed["app/missing"], kms.ErrSecretNotFound)
	require.ErrorIs(t, failed["app/denied"], kms.ErrAccessDenied)
	assert.NotErrorIs(t, failed["app/denied"], kms.ErrSecretNotFound)
	require.ErrorIs(t, err, kms.ErrSecretNotFound, "the joined error matches each class")
	require.ErrorIs(t, err, kms.ErrAccessDenied)

	batches := f.batchNames()
	require.Len(t, batches, 3, "ceil(45/20) requests")
	assert.Equal(t, []int{20, 20, 5}, []int{len(batches[0]), len(batches[1]), len(batches[2])})
	var sent []string
	for _, b := range batches {
		sent = append(sent, b...)
	}
	sort.Strings(sent)
	assert.Len(t, sent, 45, "each name once")
	assert.Equal(t, int64(3), cache.Stats().Fetches, "a batch is one request")

	// The loaded names are served from memory; the failed ones are fetched.
	fetches, _ := f.count()
	for _, name := range names[:43] {
		assert.Equal(t, "value-1", value(t, cache, name))
	}
	after, _ := f.count()
	assert.Equal(t, fetches, after, "no fetch for a preloaded name")
	_, err = cache.Get(ctx, "app/missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	after, _ = f.count()
	assert.Equal(t, fetches+1, after, "not found is not cached by default")

	require.NoError(t, cache.Preload(ctx, names[:43]...), "nil when every name loaded")
	require.NoError(t, cache.Preload(ctx), "nothing to load")
	assert.Len(t, f.batchNames(), 3+3, "43 names, 3 requests; none for no names")
}

// The error Preload returns is the caller's own: changing it changes
// nothing the cache holds.
func TestCachePreloadErrorIsTheCallersOwn(t *testing.T) {
	f := newFakeKMS()
	f.failing = map[string]error{"app/missing": notFound}
	cache, _ := fakeCache(t, f, kms.CacheOptions{NegativeTTL: time.Minute})
	var ae *kms.APIError
	require.ErrorAs(t, cache.Preload(ctx, "app/missing"), &ae)
	ae.Code = "Changed"
	_, err := cache.Get(ctx, "app/missing")
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "Forbidden.ResourceNotFound", ae.Code, "the cached not-found is intact")
	assert.Len(t, f.batchNames(), 1, "served from the negative cache")
}

// A request that fails as a whole fails each of its names with its error.
func TestCachePreloadWholeRequestFails(t *testing.T) {
	f := newFakeKMS()
	f.batchErr = &kms.APIError{Service: "kms", Operation: "BatchGetSecretValue", StatusCode: 429, Code: "Rejected.Throttling"}
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	err := cache.Preload(ctx, "a", "b", "c")
	failed := failedNames(t, err)
	require.Len(t, failed, 3)
	for _, name := range []string{"a", "b", "c"} {
		require.ErrorIs(t, failed[name], kms.ErrThrottled, name)
	}
	assert.Equal(t, int64(3), cache.Stats().Errors)
	f.set(func(f *fakeKMS) { f.batchErr = nil })
	assert.Equal(t, "value-1", value(t, cache, "a"), "a failed Preload leaves nothing to serve: fetched")
}

// A preloaded value is a fresh fetch: its TTL starts, and replacing another
// version fires OnChange (not on the first load).
func TestCachePreloadIsAFetch(t *testing.T) {
	f := newFakeKMS()
	log := &changeLog{}
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: -1, OnChange: log.onChange})
	log.cache = cache
	require.NoError(t, cache.Preload(ctx, "db"))
	assert.Empty(t, log.get(), "not on the first load")
	clk.Advance(10*time.Minute - 1)
	assert.Equal(t, "value-1", value(t, cache, "db"))
	fetches, _ := f.count()
	assert.Equal(t, 1, fetches, "within the TTL of the preload: a hit")
	clk.Advance(1)
	value(t, cache, "db")
	fetches, _ = f.count()
	assert.Equal(t, 2, fetches, "the TTL started at the preload")

	require.NoError(t, cache.Preload(ctx, "db"))
	assert.Empty(t, log.get(), "the same version: no change")
	f.set(func(f *fakeKMS) { f.version = 2 })
	require.NoError(t, cache.Preload(ctx, "db"))
	assert.Equal(t, []change{{"db", "ACSCurrent", "v-1", "v-2"}}, log.get(), "Preload returns after OnChange")
	assert.Equal(t, "value-2", value(t, cache, "db"))

	f.set(func(f *fakeKMS) { f.deleted = true })
	err := cache.Preload(ctx, "db")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	_, err = cache.Get(ctx, "db")
	require.ErrorIs(t, err, kms.ErrSecretNotFound, "a deletion Preload found is not served over")
}

// A Get while Preload runs waits for it; a name already being fetched is
// left out of the batch and waited for.
func TestCachePreloadSingleFlight(t *testing.T) {
	f := newFakeKMS()
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	hold, started := make(chan struct{}), make(chan struct{}, 4)
	f.set(func(f *fakeKMS) { f.hold, f.started = hold, started })
	got := make(chan string, 1)
	go func() { got <- value(t, cache, "running") }() // a fetch under way
	<-started
	preloaded := make(chan error, 1)
	go func() { preloaded <- cache.Preload(ctx, "running", "new") }()
	<-started // the batch reads "new"
	require.Eventually(t, func() bool { return len(f.batchNames()) == 1 }, 10*time.Second, time.Millisecond)
	waiting := make(chan string, 1)
	go func() { waiting <- value(t, cache, "new") }()
	require.Eventually(t, func() bool { return cache.Stats().Misses == 2 }, 10*time.Second, time.Millisecond, "the Get waits for the Preload")
	close(hold)
	require.NoError(t, <-preloaded)
	assert.Equal(t, "value-1", <-got)
	assert.Equal(t, "value-1", <-waiting)
	assert.Equal(t, [][]string{{"new"}}, f.batchNames(), "the running name is left to its fetch")
	fetches, _ := f.count()
	assert.Equal(t, 2, fetches, "one read per name")
}

// Preload checks its names before sending, and stops at Close.
func TestCachePreloadInvalidAndClosed(t *testing.T) {
	f := newFakeKMS()
	cache, _ := fakeCache(t, f, kms.CacheOptions{})
	err := cache.Preload(ctx, "a", "")
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Contains(t, err.Error(), "names[1] is empty")
	assert.Empty(t, f.batchNames(), "nothing sent")
	//lint:ignore SA1012 a nil context is a caller's mistake the cache survives
	require.NoError(t, cache.Preload(nil, "a"))

	started := make(chan struct{}, 1)
	f.set(func(f *fakeKMS) { f.hold, f.started = make(chan struct{}), started }) // never released
	preloaded := make(chan error, 1)
	go func() { preloaded <- cache.Preload(ctx, "b") }()
	<-started
	within(t, 10*time.Second, "Close during a Preload", cache.Close)
	err = <-preloaded
	require.ErrorIs(t, err, kms.ErrCacheClosed)
	assert.Len(t, failedNames(t, err), 1)
	require.ErrorIs(t, cache.Preload(ctx, "a"), kms.ErrCacheClosed)
}

// A name asked for as an ARN is matched with the item KMS answers by name.
func TestCachePreloadARN(t *testing.T) {
	const arn = "acs:kms:cn-hangzhou:123456789012:secret/prod/db"
	cache := kms.NewCache(nil, kms.CacheOptions{})
	t.Cleanup(cache.Close)
	kms.SetCacheBatch(cache, func(_ context.Context, in *kms.BatchGetSecretValueInput) (*kms.BatchGetSecretValueOutput, error) {
		require.Len(t, in.Secrets, 3)
		return &kms.BatchGetSecretValueOutput{
			SecretValues: []kms.GetSecretValueOutput{{SecretName: "prod/db", SecretData: "by-arn", VersionID: "v1"}},
			Errors:       []kms.BatchError{{SecretName: "other/db", Err: notFound}},
		}, nil
	})
	err := cache.Preload(ctx, arn, "db", "acs:kms:cn-hangzhou:123456789012:secret/other/db")
	failed := failedNames(t, err)
	require.Len(t, failed, 2)
	assert.Contains(t, failed["db"].Error(), "neither a value nor an error", "a short name is not the ARN's")
	require.ErrorIs(t, failed["acs:kms:cn-hangzhou:123456789012:secret/other/db"], kms.ErrSecretNotFound)
	out, err := cache.Get(ctx, arn)
	require.NoError(t, err)
	assert.Equal(t, "by-arn", out.SecretData)
}

// On kmstest, through the client: one request for the batch, and each
// failed name's error in the class GetSecretValue's would be in.
func TestCachePreloadOnKMSTest(t *testing.T) {
	srv, cache, _ := newCache(t, kms.CacheOptions{})
	srv.PutSecretValue("app/db", "pg")
	srv.PutSecretValue("app/key", "ak")
	err := cache.Preload(ctx, "app/db", "app/missing", "app/key")
	failed := failedNames(t, err)
	require.Len(t, failed, 1)
	require.ErrorIs(t, failed["app/missing"], kms.ErrSecretNotFound)
	assert.Contains(t, failed["app/missing"].Error(), `secret "app/missing": kms BatchGetSecretValue: Forbidden.ResourceNotFound`)
	assert.Equal(t, 1, srv.Requests())
	assert.Equal(t, "pg", value(t, cache, "app/db"))
	assert.Equal(t, "ak", value(t, cache, "app/key"))
	assert.Equal(t, 1, srv.Requests(), "both served from memory")

	srv.FailNext(kmstest.Fault{Status: 403, Code: "Forbidden.NoPermission", Message: "denied"})
	err = cache.Preload(ctx, "app/db", "app/key")
	failed = failedNames(t, err)
	require.Len(t, failed, 2, "a failed request fails each of its names")
	for _, e := range failed {
		require.ErrorIs(t, e, kms.ErrAccessDenied)
	}
	assert.Equal(t, "pg", value(t, cache, "app/db"), "a failed Preload leaves the values held")
}
