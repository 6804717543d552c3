package reliability

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/retry"
)

// TestOneResetAmongConcurrentCalls is TestSixtyFourGoroutinesWithFaults'
// load-dependent failure made deterministic, on the virtual clock: one
// client, one connection reset, then 63 more calls begun after it and
// before any success (the successful requests are held until every call
// has either sent, begun a policy wait, or ended). One failure is not a
// client that keeps failing: none of them is paced and none fails.
func TestOneResetAmongConcurrentCalls(t *testing.T) {
	const calls = 64
	clock := newSimClock(time.Now().Truncate(time.Second), simQuantum)
	srv := kmstest.NewServer(kmstest.WithClock(clock.Now))
	defer srv.Close()
	srv.PutSecretValue("app/db", "value-db")

	var (
		sent     atomic.Int64
		gate     = make(chan struct{})
		arrived  = make(chan struct{}, 16*calls) // a request held, a policy wait begun, or a call ended
		failedAt = make(chan struct{})           // the first wait: the reset is recorded
		once     sync.Once
	)
	hc := transport.DefaultHTTPClient()
	c, err := kms.New(kms.Options{
		Endpoint:    srv.URL,
		Credentials: srv.Credentials(),
		HTTPClient: doerFunc(func(r *http.Request) (*http.Response, error) {
			if sent.Add(1) == 1 {
				return nil, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
			}
			arrived <- struct{}{}
			<-gate
			return hc.Do(r)
		}),
		Retryer: retry.NewStandard(retry.StandardOptions{
			Now:  clock.Now,
			Rand: func(n time.Duration) time.Duration { return n / 2 },
			Sleep: func(ctx context.Context, d time.Duration) bool {
				once.Do(func() { close(failedAt) })
				arrived <- struct{}{}
				return clock.Sleep(ctx, d)
			},
		}),
	})
	require.NoError(t, err)

	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	call := func(wait <-chan struct{}) {
		clock.Go(&wg, func() {
			if wait != nil {
				<-wait
			}
			ctx := virtualDeadline{context.Background(), clock.Now().Add(10 * time.Second)}
			out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "app/db"})
			if err == nil && out.SecretData != "value-db" {
				err = errors.New("wrong value")
			}
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			arrived <- struct{}{}
		})
	}
	call(nil) // reset, then its retry's backoff
	for range calls - 1 {
		call(failedAt)
	}
	for range calls { // every call is held at the gate, waits in the policy, or ended
		<-arrived
	}
	close(gate)
	wg.Wait()

	require.Len(t, errs, calls)
	for _, err := range errs {
		assert.NoError(t, err)
	}
	assert.Equal(t, int64(calls+1), sent.Load(), "one request per call, and the reset's retry")
	assert.Equal(t, calls, srv.Requests())
}
