package kmstest_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

// TestRateLimit: on a frozen clock the bucket admits Burst requests, then
// sheds with 429 Rejected.Throttling and x-acs-retry-after; a second later
// Rate more are admitted.
func TestRateLimit(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	srv := kmstest.NewServer(kmstest.WithClock(clock), kmstest.WithRateLimit(kmstest.RateLimit{Rate: 3, Burst: 2, RetryAfter: 1500 * time.Millisecond}))
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	var headers []http.Header
	c, err := srv.Client(func(o *kms.Options) {
		o.RetryMaxAttempts = 1
		hc := srv.HTTPClient()
		o.HTTPClient = doerFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := hc.Do(r)
			if err == nil {
				headers = append(headers, resp.Header)
			}
			return resp, err
		})
	})
	require.NoError(t, err)
	get := func() error {
		_, err := c.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db"})
		return err
	}
	require.NoError(t, get())
	require.NoError(t, get())
	err = get()
	require.ErrorIs(t, err, signer.ErrThrottled)
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Equal(t, "Rejected.Throttling", apiErr.Code)
	assert.Equal(t, 1500*time.Millisecond, apiErr.RetryAfter)
	assert.Equal(t, "1500", headers[2].Get("x-acs-retry-after"))
	assert.Empty(t, headers[1].Get("x-acs-retry-after"))
	assert.Equal(t, 1, srv.Throttled())

	mu.Lock()
	now = now.Add(time.Second) // 3 more, but the bucket holds 2
	mu.Unlock()
	require.NoError(t, get())
	require.NoError(t, get())
	require.ErrorIs(t, get(), signer.ErrThrottled)
	assert.Equal(t, 2, srv.Throttled())
	assert.Equal(t, 6, srv.Requests())
}

func TestRateLimitDefaults(t *testing.T) {
	srv := kmstest.NewServer(kmstest.WithRateLimit(kmstest.RateLimit{Rate: 0.5}))
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	c, err := srv.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	_, err = c.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err, "a burst of at least one")
	_, err = c.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db"})
	require.ErrorIs(t, err, signer.ErrThrottled)
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Zero(t, apiErr.RetryAfter, "no header without RetryAfter")

	for _, rate := range []float64{0, -1} {
		unlimited := kmstest.NewServer(kmstest.WithRateLimit(kmstest.RateLimit{Rate: rate}))
		defer unlimited.Close()
		unlimited.PutSecretValue("db", "pw")
		uc, err := unlimited.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
		require.NoError(t, err)
		for range 5 {
			_, err = uc.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db"})
			require.NoError(t, err, "rate %v: no limit", rate)
		}
		assert.Zero(t, unlimited.Throttled())
	}
}
