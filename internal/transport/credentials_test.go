package transport

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

// blockingProvider counts retrievals and blocks each until released.
type blockingProvider struct {
	calls   atomic.Int32
	started chan struct{}
	release chan struct{}
	err     error
}

func (p *blockingProvider) GetCredential() (*credentials.CredentialModel, error) {
	p.calls.Add(1)
	p.started <- struct{}{}
	<-p.release
	if p.err != nil {
		return nil, p.err
	}
	id, secret := testAK, testSecret
	return &credentials.CredentialModel{AccessKeyId: &id, AccessKeySecret: &secret}, nil
}

func TestConcurrentCallersShareOneRetrieval(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if !verifyRPC(r, testSecret) {
			writeJSON(w, 400, `{"Code":"SignatureDoesNotMatch"}`)
			return
		}
		writeJSON(w, 200, okBody)
	})
	p := &blockingProvider{started: make(chan struct{}, 100), release: make(chan struct{})}
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p })

	const callers = 20
	var wg sync.WaitGroup
	errs := make(chan error, callers+1)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, err := c.Do(bg(), getSecretRequest()); errs <- err }()
	}
	<-p.started // one retrieval is under way; every caller waits on it

	// A caller whose context ends gets its own error at once, while the
	// provider is still blocked.
	ctx, cancel := context.WithTimeout(bg(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, getSecretRequest())
	require.ErrorIs(t, err, context.DeadlineExceeded)

	// Every caller is waiting on the one retrieval before it is released.
	for c.s.creds.waiters.Load() < callers {
		time.Sleep(time.Millisecond)
	}
	close(p.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), p.calls.Load(), "one retrieval shared by every caller")
	assert.Equal(t, int32(callers), s.calls.Load())
}

// TestFreshCredentialsServedDuringRetrieval: while a retrieval runs,
// callers get the previous result (younger than credFresh) at once rather
// than queueing into a batch that would hit the transport together; an
// older result is not served.
func TestFreshCredentialsServedDuringRetrieval(t *testing.T) {
	p := &blockingProvider{started: make(chan struct{}, 100), release: make(chan struct{})}
	var now atomic.Int64
	g := newCredGuard(p, 0)
	g.now = func() time.Time { return time.Unix(0, now.Load()) }
	got := make(chan error, 3)
	get := func() { _, err := g.get(bg()); got <- err }

	go get() // retrieval 1
	<-p.started
	p.release <- struct{}{}
	require.NoError(t, <-got)

	go get() // retrieval 2 starts and blocks
	<-p.started
	c, err := g.get(bg()) // served at once from retrieval 1
	require.NoError(t, err)
	assert.Equal(t, testAK, c.AccessKeyID)
	assert.Equal(t, int32(1), g.waiters.Load(), "only retrieval 2's starter waits")

	now.Store(int64(credFresh)) // retrieval 1's result is now too old
	go get()
	for g.waiters.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	p.release <- struct{}{}
	require.NoError(t, <-got)
	require.NoError(t, <-got)
	assert.Equal(t, int32(2), p.calls.Load())
}

// TestHungProviderBoundedByAttemptTimeout: a provider that never answers
// ends the call after AttemptTimeout even though the call has no deadline.
func TestHungProviderBoundedByAttemptTimeout(t *testing.T) {
	p := &blockingProvider{started: make(chan struct{}, 100), release: make(chan struct{})}
	defer close(p.release)
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p; o.AttemptTimeout = 20 * time.Millisecond })
	done := make(chan error, 1)
	go func() { _, err := c.Do(bg(), getSecretRequest()); done <- err }()
	select {
	case err := <-done:
		require.ErrorIs(t, err, signer.ErrInvalidCredentials)
		assert.Contains(t, err.Error(), "did not answer within 20ms")
		assert.Zero(t, s.calls.Load())
	case <-time.After(10 * time.Second): // liveness bound: the provider never answers
		t.Fatal("a hung provider hung the call")
	}
}

func TestFailingProviderSharedError(t *testing.T) {
	boom := errors.New("provider says no")
	p := &blockingProvider{started: make(chan struct{}, 100), release: make(chan struct{}), err: boom}
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p })
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); _, err := c.Do(bg(), getSecretRequest()); errs <- err }()
	}
	<-p.started
	close(p.release)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.ErrorIs(t, err, boom)
		assert.Contains(t, err.Error(), "kms GetSecretValue: getting credentials")
	}
	assert.Zero(t, s.calls.Load(), "nothing is sent without credentials")
}

type panickyProvider struct{}

func (panickyProvider) GetCredential() (*credentials.CredentialModel, error) { panic(testSecret) }

type emptyProvider struct{}

func (emptyProvider) GetCredential() (*credentials.CredentialModel, error) {
	return &credentials.CredentialModel{}, nil
}

func TestBadProvidersFailCleanly(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	for name, p := range map[string]signer.CredentialsProvider{"panics": panickyProvider{}, "empty": emptyProvider{}} {
		t.Run(name, func(t *testing.T) {
			c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p })
			_, err := c.Do(bg(), getSecretRequest())
			require.ErrorIs(t, err, signer.ErrInvalidCredentials)
			assertNoSecrets(t, err.Error())
		})
	}
	assert.Zero(t, s.calls.Load())
}

func TestStaticEmptyCredentialsRejectedByNew(t *testing.T) {
	_, err := New(kmsService, Options{Endpoint: "http://127.0.0.1:1", Credentials: signer.StaticCredentials("", "x", "")})
	require.ErrorIs(t, err, signer.ErrInvalidCredentials)
	assert.Contains(t, err.Error(), "access key id is empty")
}

func TestDefaultChainIsLazyAndUsesEnvironment(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
	t.Setenv("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "true")
	var gotAK string
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		gotAK = r.URL.Query().Get("AccessKeyId")
		assert.True(t, verifyRPC(r, testSecret))
		writeJSON(w, 200, okBody)
	})
	c, err := New(kmsService, Options{Endpoint: s.URL})
	require.NoError(t, err)
	c.s.creds.chainMu.Lock()
	assert.Nil(t, c.s.creds.chain, "New builds no chain")
	c.s.creds.chainMu.Unlock()
	_, err = c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, "LTAIenv", gotAK)
	c.s.creds.chainMu.Lock()
	assert.NotNil(t, c.s.creds.chain)
	c.s.creds.chainMu.Unlock()
}

func TestWithSharesGuardForSameProvider(t *testing.T) {
	p := signer.StaticCredentials("a", "b", "")
	c, err := New(kmsService, Options{Region: "cn-hangzhou", Credentials: p})
	require.NoError(t, err)
	same, err := c.With(Options{Region: "cn-hangzhou", Credentials: p, RetryMaxAttempts: 1})
	require.NoError(t, err)
	assert.Same(t, c.s.creds, same.s.creds)
	assert.Equal(t, 1, same.s.maxAttempts)
	other, err := c.With(Options{Region: "cn-hangzhou", Credentials: signer.StaticCredentials("a", "b", "")})
	require.NoError(t, err)
	assert.NotSame(t, c.s.creds, other.s.creds)
	assert.Same(t, c.clock, other.clock)
	assert.False(t, sameProvider(emptyProvider{}, emptyProvider{}), "values are never assumed equal")
}
