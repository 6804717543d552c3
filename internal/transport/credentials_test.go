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

// blockingProvider counts retrievals; each one reports its start on
// started and then waits for its outcome on answers (nil: testAK and
// testSecret). Closing answers lets every retrieval succeed at once.
type blockingProvider struct {
	calls   atomic.Int32
	started chan struct{}
	answers chan error
}

func newBlockingProvider() *blockingProvider {
	return &blockingProvider{started: make(chan struct{}, 100), answers: make(chan error)}
}

func (p *blockingProvider) GetCredential() (*credentials.CredentialModel, error) {
	p.calls.Add(1)
	p.started <- struct{}{}
	if err := <-p.answers; err != nil {
		return nil, err
	}
	id, secret := testAK, testSecret
	return &credentials.CredentialModel{AccessKeyId: &id, AccessKeySecret: &secret}, nil
}

// waitArrivals waits until n callers are waiting for a retrieval.
func waitArrivals(t *testing.T, arrived <-chan struct{}, n int) {
	t.Helper()
	for range n {
		select {
		case <-arrived:
		case <-time.After(10 * time.Second): // a liveness bound, not a timing
			t.Fatal("callers did not reach the credentials wait")
		}
	}
}

func TestConcurrentCallersShareOneRetrieval(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if !verifyRPC(r, testSecret) {
			writeJSON(w, 400, `{"Code":"SignatureDoesNotMatch"}`)
			return
		}
		writeJSON(w, 200, okBody)
	})
	p := newBlockingProvider()
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p })

	const callers = 20
	arrived := make(chan struct{}, callers+1)
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Do(arriving(bg(), arrived), getSecretRequest())
			errs <- err
		}()
	}
	<-p.started
	waitArrivals(t, arrived, callers) // every caller waits on the one retrieval

	// A caller whose context ends leaves at once, the provider still blocked,
	// with an error that names the call and where it was going.
	ctx, cancel := context.WithCancel(bg())
	leaving := arriving(ctx, arrived)
	done := make(chan error, 1)
	go func() { _, err := c.Do(leaving, getSecretRequest()); done <- err }()
	waitArrivals(t, arrived, 1)
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "kms GetSecretValue")
	assert.Contains(t, err.Error(), s.URL)

	close(p.answers)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), p.calls.Load(), "one retrieval shared by every caller")
	assert.Equal(t, int32(callers), s.calls.Load())
}

// While a retrieval runs, callers get the previous good result if it is
// younger than credFresh, at once, rather than queueing into a batch that
// would reach the service together; an older result, or a failure, is not
// served.
func TestFreshCredentialsServedDuringRetrieval(t *testing.T) {
	p := newBlockingProvider()
	g := newCredGuard(p, 0)
	arrived := make(chan struct{}, 10)
	got := make(chan error, 10)
	get := func() {
		c, err := g.get(arriving(bg(), arrived))
		if err == nil && c.AccessKeyID != testAK {
			err = errors.New("wrong credentials: " + c.AccessKeyID)
		}
		got <- err
	}

	go get() // retrieval 1 succeeds
	<-p.started
	p.answers <- nil
	require.NoError(t, <-got)

	go get() // retrieval 2 fails
	<-p.started
	p.answers <- errors.New("refresh failed")
	require.Error(t, <-got)

	go get() // retrieval 3 starts and blocks
	<-p.started
	waitArrivals(t, arrived, 3)
	// Served at once: retrieval 1 is still fresh, and 2 did not replace it.
	// A caller that waited instead would report its arrival.
	type result struct {
		c   signer.Credentials
		err error
	}
	served := make(chan result, 1)
	waited := make(chan struct{}, 1)
	go func() { c, err := g.get(arriving(bg(), waited)); served <- result{c, err} }()
	select {
	case r := <-served:
		require.NoError(t, r.err)
		assert.Equal(t, signer.Credentials{AccessKeyID: testAK, AccessKeySecret: testSecret}, r.c)
	case <-waited:
		t.Fatal("a caller waited for the retrieval although a fresh result was there")
	}

	g.mu.Lock()
	g.lastAt = g.lastAt.Add(-credFresh) // retrieval 1's result is now too old
	g.mu.Unlock()
	go get()
	waitArrivals(t, arrived, 1) // it waits for retrieval 3
	p.answers <- nil
	require.NoError(t, <-got)
	require.NoError(t, <-got)
	assert.Equal(t, int32(3), p.calls.Load(), "the stale caller shared retrieval 3")
}

// The first retrieval has no earlier result to serve: every caller waits.
func TestNoResultYetMeansWaiting(t *testing.T) {
	p := newBlockingProvider()
	g := newCredGuard(p, 0)
	arrived := make(chan struct{}, 2)
	got := make(chan error, 2)
	for range 2 {
		go func() { _, err := g.get(arriving(bg(), arrived)); got <- err }()
	}
	<-p.started
	waitArrivals(t, arrived, 2)
	close(p.answers)
	require.NoError(t, <-got)
	require.NoError(t, <-got)
	assert.Equal(t, int32(1), p.calls.Load())
}

// A provider that never answers ends the call after AttemptTimeout even
// though the call has no deadline; a second call joins the same hung
// retrieval rather than starting another.
func TestHungProviderBoundedByAttemptTimeout(t *testing.T) {
	p := newBlockingProvider()
	defer close(p.answers)
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p; o.AttemptTimeout = 20 * time.Millisecond })
	for range 2 {
		done := make(chan error, 1)
		go func() { _, err := c.Do(bg(), getSecretRequest()); done <- err }()
		select {
		case err := <-done:
			require.ErrorIs(t, err, signer.ErrInvalidCredentials)
			assert.Contains(t, err.Error(), "kms GetSecretValue: invalid credentials: the credentials provider did not answer within 20ms (AttemptTimeout)")
		case <-time.After(10 * time.Second): // liveness bound: the provider never answers
			t.Fatal("a hung provider hung the call")
		}
	}
	assert.Zero(t, s.calls.Load())
	assert.Equal(t, int32(1), p.calls.Load(), "not retried, and one retrieval at a time")
}

// A context with a deadline bounds the wait for a hung provider too.
func TestHungProviderBoundedByContext(t *testing.T) {
	p := newBlockingProvider()
	defer close(p.answers)
	c := newTestClient(t, kmsService, "http://127.0.0.1:1", func(o *Options) { o.Credentials = p })
	ctx, cancel := context.WithTimeout(bg(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, getSecretRequest())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "kms GetSecretValue (http://127.0.0.1:1)")
}

func TestFailingProviderSharedError(t *testing.T) {
	boom := errors.New("provider says no")
	p := newBlockingProvider()
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p })
	const callers = 10
	arrived := make(chan struct{}, callers)
	errs := make(chan error, callers)
	for range callers {
		go func() { _, err := c.Do(arriving(bg(), arrived), getSecretRequest()); errs <- err }()
	}
	<-p.started
	waitArrivals(t, arrived, callers)
	p.answers <- boom
	for range callers {
		err := <-errs
		require.ErrorIs(t, err, boom)
		assert.Equal(t, "kms GetSecretValue: getting credentials: provider says no", err.Error())
	}
	assert.Zero(t, s.calls.Load(), "nothing is sent without credentials")
	assert.Equal(t, int32(1), p.calls.Load(), "one retrieval, not retried")
}

type panickyProvider struct{ calls *atomic.Int32 }

// GetCredential panics with the secret on its first call and succeeds after.
func (p panickyProvider) GetCredential() (*credentials.CredentialModel, error) {
	if p.calls.Add(1) == 1 {
		panic(testSecret)
	}
	id, secret := testAK, testSecret
	return &credentials.CredentialModel{AccessKeyId: &id, AccessKeySecret: &secret}, nil
}

type nilModelProvider struct{}

func (nilModelProvider) GetCredential() (*credentials.CredentialModel, error) { return nil, nil }

func TestBadProvidersFailCleanly(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	cases := []struct {
		name    string
		p       signer.CredentialsProvider
		message string
	}{
		{"panics", panickyProvider{calls: new(atomic.Int32)}, "kms GetSecretValue: invalid credentials: the credentials provider panicked"},
		{"empty model", emptyProvider{}, "kms GetSecretValue: invalid credentials: access key id is empty"},
		{"nil model", nilModelProvider{}, "kms GetSecretValue: invalid credentials: provider returned no credentials"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = tc.p })
			_, err := c.Do(bg(), getSecretRequest())
			require.ErrorIs(t, err, signer.ErrInvalidCredentials)
			assert.Equal(t, tc.message, err.Error())
			assertNoSecrets(t, err.Error())
		})
	}
	assert.Zero(t, s.calls.Load())

	var typedNil *signer.StaticCredentialsProvider
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = typedNil })
	_, err := c.Do(bg(), getSecretRequest())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "kms GetSecretValue: getting credentials:")
	assert.Zero(t, s.calls.Load())
}

// A panic does not wedge the guard: the next call retrieves again.
func TestGuardRecoversAfterPanic(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	p := panickyProvider{calls: new(atomic.Int32)}
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Credentials = p })
	_, err := c.Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrInvalidCredentials)
	_, err = c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, int32(2), p.calls.Load())
	assert.Equal(t, int32(1), s.calls.Load())
}

func TestStaticProviderIsReadOnce(t *testing.T) {
	g := newCredGuard(signer.StaticCredentials(testAK, testSecret, testToken), 0)
	require.NotNil(t, g.static, "a valid static provider is read once, at construction")
	want := signer.Credentials{AccessKeyID: testAK, AccessKeySecret: testSecret, SecurityToken: testToken}
	assert.Equal(t, want, *g.static)
	c, err := g.get(bg())
	require.NoError(t, err)
	assert.Equal(t, want, c)
	g.mu.Lock()
	assert.Nil(t, g.inflight, "no retrieval runs")
	g.mu.Unlock()

	var typedNil *signer.StaticCredentialsProvider
	assert.Nil(t, newCredGuard(typedNil, 0).static)
	assert.Nil(t, newCredGuard(signer.StaticCredentials("", testSecret, ""), 0).static, "an invalid one is not taken")
	assert.Nil(t, newCredGuard(nil, 0).static)
}

// isolateDefaultChain points every source of credentials-go's default chain
// at nothing: its environment variables empty, HOME an empty directory (no
// CLI profile, no credentials file) and the ECS metadata service disabled.
func isolateDefaultChain(t *testing.T) {
	for _, v := range []string{
		"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
		"ALIBABA_CLOUD_ROLE_ARN", "ALIBABA_CLOUD_ROLE_SESSION_NAME", "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
		"ALIBABA_CLOUD_OIDC_TOKEN", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_STS_REGION",
		"ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
		"ALIBABA_CLOUD_CONFIG_FILE", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_ECS_METADATA",
		"ALIBABA_CLOUD_IMDSV1_DISABLED", "ALIBABA_CLOUD_CREDENTIALS_URI",
	} {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("USERPROFILE", "")
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")
}

func TestDefaultChainIsLazyAndUsesEnvironment(t *testing.T) {
	isolateDefaultChain(t)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	var gotAK string
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		gotAK = r.URL.Query().Get("AccessKeyId")
		assert.True(t, verifyRPC(r, testSecret))
		writeJSON(w, 200, okBody)
	})
	c, err := New(kmsService, Options{Endpoint: s.URL})
	require.NoError(t, err)
	assert.Nil(t, c.creds.chain, "New builds no chain")
	_, err = c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, "LTAIenv", gotAK)
	assert.NotNil(t, c.creds.chain, "built on first use, and kept")
}

// With nothing configured anywhere the default chain looks, a call fails
// with ErrNoCredentials, sends nothing, and says how to configure
// credentials; credentials-go's own list of failures stays out of the
// message. The chain is built anew for the next call, which then finds
// what was configured meanwhile.
func TestDefaultChainFindingNothing(t *testing.T) {
	isolateDefaultChain(t)
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	c, err := New(kmsService, Options{Endpoint: s.URL})
	require.NoError(t, err)
	_, err = c.Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrNoCredentials)
	msg := err.Error()
	assert.Contains(t, msg, "kms GetSecretValue: no credentials found: the default chain found none")
	for _, where := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "~/.aliyun/config.json",
		"~/.alibabacloud/credentials", "ALIBABA_CLOUD_ECS_METADATA_DISABLED", "ALIBABA_CLOUD_CREDENTIALS_URI", "set Options.Credentials"} {
		assert.Contains(t, msg, where)
	}
	var nc *noCredentialsError
	require.ErrorAs(t, err, &nc)
	assert.Contains(t, nc.cause.Error(), "unable to get credentials", "credentials-go's text is kept for Unwrap")
	assert.NotContains(t, msg, "unable to get credentials", "but not in the message")
	assert.Zero(t, s.calls.Load(), "nothing was sent")
	assert.Nil(t, c.creds.chain, "a chain that failed is dropped")

	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIlater")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", testSecret)
	_, err = c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, int32(1), s.calls.Load())
}
