package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

type ctxKey struct{}

// recordingObserver keeps every event, and checks that the context
// StartCall returned is the one the call's later events get.
type recordingObserver struct {
	t        *testing.T
	mu       sync.Mutex
	starts   []CallInfo
	attempts []AttemptInfo
	ends     []CallInfo
	endErrs  []error
}

func (o *recordingObserver) StartCall(ctx context.Context, c CallInfo) context.Context {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.starts = append(o.starts, c)
	return context.WithValue(ctx, ctxKey{}, c.Operation)
}

func (o *recordingObserver) ObserveAttempt(ctx context.Context, a AttemptInfo) {
	assert.Equal(o.t, a.Operation, ctx.Value(ctxKey{}), "the context from StartCall")
	o.mu.Lock()
	defer o.mu.Unlock()
	o.attempts = append(o.attempts, a)
}

func (o *recordingObserver) EndCall(ctx context.Context, c CallInfo, err error) {
	assert.Equal(o.t, c.Operation, ctx.Value(ctxKey{}), "the context from StartCall")
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ends = append(o.ends, c)
	o.endErrs = append(o.endErrs, err)
}

// The Observer sees exactly the attempts of a throttled-then-successful
// call: their numbers, statuses, codes, request ids, errors and the exact
// delay before the next one.
func TestObserverSeesEachAttempt(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Acs-Request-Id", "H-"+string(rune('0'+n)))
		if n == 1 {
			w.Header().Set("X-Acs-Retry-After", "10")
			writeJSON(w, 400, `{"Code":"Throttling.User","Message":"slow down","RequestId":"B-1"}`)
			return
		}
		writeJSON(w, 200, okBody)
	})
	clock := newFakeClock(time.Now())
	// Every draw is half its bound: the first throttled retry draws from
	// [0, ThrottleBackoff), so the delay is the requested 10ms plus 500ms.
	policy := clock.policy(retry.StandardOptions{Rand: func(n time.Duration) time.Duration { return n / 2 }})
	obs := &recordingObserver{t: t}
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Observer, o.Retryer = obs, policy })
	_, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)

	wantDelay := 10*time.Millisecond + retry.ThrottleBackoff/2
	assert.Equal(t, []time.Duration{wantDelay}, clock.Slept())
	call := CallInfo{Service: "kms", Operation: "GetSecretValue"}
	assert.Equal(t, []CallInfo{call}, obs.starts)
	assert.Equal(t, []CallInfo{call}, obs.ends)
	assert.Equal(t, []error{nil}, obs.endErrs)
	require.Len(t, obs.attempts, 2)
	first, second := obs.attempts[0], obs.attempts[1]
	var apiErr *signer.APIError
	require.ErrorAs(t, first.Err, &apiErr)
	require.ErrorIs(t, first.Err, signer.ErrThrottled)
	for _, a := range obs.attempts {
		assert.Positive(t, a.Latency)
	}
	first.Err, first.Latency, second.Latency = nil, 0, 0
	assert.Equal(t, AttemptInfo{Service: "kms", Operation: "GetSecretValue", Attempt: 1, StatusCode: 400, Code: "Throttling.User", RequestID: "B-1", Delay: wantDelay}, first)
	assert.Equal(t, AttemptInfo{Service: "kms", Operation: "GetSecretValue", Attempt: 2, StatusCode: 200, RequestID: "H-2"}, second)
}

// The call's end carries the error Do returns; an attempt without an
// answer has no status, code or request id.
func TestObserverSeesFailures(t *testing.T) {
	c := newTestClient(t, kmsService, "http://127.0.0.1:1", func(o *Options) { o.RetryMaxAttempts = 2 })
	obs := &recordingObserver{t: t}
	o := c.Options()
	o.Observer = obs
	c, err := c.With(o)
	require.NoError(t, err)
	_, err = c.Do(bg(), getSecretRequest())
	require.Error(t, err)
	require.Len(t, obs.endErrs, 1)
	assert.Same(t, err, obs.endErrs[0])
	require.Len(t, obs.attempts, 2)
	for i, a := range obs.attempts {
		assert.Equal(t, i+1, a.Attempt)
		assert.Zero(t, a.StatusCode)
		assert.Empty(t, a.Code)
		assert.Empty(t, a.RequestID)
		require.Error(t, a.Err)
	}
	assert.Positive(t, obs.attempts[0].Delay, "a retry follows")
	assert.Zero(t, obs.attempts[1].Delay, "none follows")
	assert.Equal(t, err, obs.attempts[1].Err, "the last attempt's failure ends the call")
}

// A call that fails before any answer (no credentials) is observed too:
// one attempt with its failure, and the end with the same error.
func TestObserverSeesCredentialFailures(t *testing.T) {
	obs := &recordingObserver{t: t}
	c := newTestClient(t, kmsService, "http://127.0.0.1:1", func(o *Options) { o.Credentials, o.Observer = emptyProvider{}, obs })
	_, err := c.Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrInvalidCredentials)
	require.Len(t, obs.attempts, 1)
	assert.Equal(t, err, obs.attempts[0].Err)
	assert.Zero(t, obs.attempts[0].Delay)
	assert.Equal(t, []error{err}, obs.endErrs)
}

// Every attempt of a clock-skew correction is observed, the corrected one
// following at once.
func TestObserverSeesTheClockSkewRetry(t *testing.T) {
	serverNow := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Date", serverNow.Format(http.TimeFormat))
			writeJSON(w, 400, `{"Code":"InvalidTimeStamp.Expired","Message":"expired"}`)
			return
		}
		writeJSON(w, 200, okBody)
	})
	obs := &recordingObserver{t: t}
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Observer = obs })
	c.SetClock(func() time.Time { return serverNow.Add(-time.Hour) })
	_, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	require.Len(t, obs.attempts, 2)
	assert.Equal(t, "InvalidTimeStamp.Expired", obs.attempts[0].Code)
	require.ErrorIs(t, obs.attempts[0].Err, signer.ErrClockSkew)
	assert.Zero(t, obs.attempts[0].Delay, "the corrected attempt follows at once")
	assert.Equal(t, 200, obs.attempts[1].StatusCode)
	assert.NoError(t, obs.attempts[1].Err)
}

// No observed field or error carries the access key secret, the security
// token or the signature, though the server echoes them everywhere.
func TestObserverSeesNoCredentials(t *testing.T) {
	sigs := make(chan string, 16)
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		sig := sentSignature(r)
		sigs <- sig
		echo := "echo " + r.URL.String() + " auth=" + r.Header.Get("Authorization") + " token=" + r.Header.Get("x-acs-security-token") +
			" sig " + sig + " " + signer.PercentEncode(sig) + " " + signer.PercentEncode(signer.PercentEncode(sig)) +
			" " + testSecret + " " + testToken
		doc, _ := json.Marshal(map[string]string{"Code": "ServiceUnavailable." + sig, "Message": echo, "RequestId": echo, "Recommend": echo})
		writeJSON(w, 503, string(doc))
	})
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		for _, svc := range []Service{kmsService, saeService} {
			t.Run(svc.Name+" "+v.String(), func(t *testing.T) {
				obs := &recordingObserver{t: t}
				c := newTestClient(t, svc, s.URL, func(o *Options) {
					o.Credentials = signer.StaticCredentials(testAK, testSecret, testToken)
					o.SignatureVersion, o.Observer = v, obs
				})
				_, err := c.Do(bg(), &Request{Operation: "Op", Method: "GET", Path: "/p", Query: map[string][]string{"k": {"v"}}})
				require.Error(t, err)
				var seen []string
				for range obs.attempts {
					sig := <-sigs
					seen = append(seen, sig, signer.PercentEncode(sig), signer.PercentEncode(signer.PercentEncode(sig)))
				}
				require.Len(t, obs.attempts, 3)
				assertNoSecrets(t, err.Error(), seen...)
				for _, a := range obs.attempts {
					for _, f := range []string{a.Service, a.Operation, a.Code, a.RequestID, a.Err.Error()} {
						assertNoSecrets(t, f, seen...)
					}
					assert.Contains(t, a.Err.Error(), "[redacted]", "the echo came back")
				}
				for _, e := range obs.endErrs {
					assertNoSecrets(t, e.Error(), seen...)
				}
			})
		}
	}
}

// panickyObserver panics in the method named by its field.
type panickyObserver struct{ in string }

func (o panickyObserver) StartCall(ctx context.Context, _ CallInfo) context.Context {
	if o.in == "StartCall" {
		panic("secret-looking panic value")
	}
	return ctx
}

func (o panickyObserver) ObserveAttempt(context.Context, AttemptInfo) {
	if o.in == "ObserveAttempt" {
		panic("secret-looking panic value")
	}
}

func (o panickyObserver) EndCall(context.Context, CallInfo, error) {
	if o.in == "EndCall" {
		panic("secret-looking panic value")
	}
}

// An Observer that panics never takes the caller down: the call goes on
// and returns its answer, and the panic is logged without its value.
func TestPanickingObserver(t *testing.T) {
	for _, method := range []string{"StartCall", "ObserveAttempt", "EndCall"} {
		t.Run(method, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
			var logs bytes.Buffer
			c := newTestClient(t, kmsService, s.URL, func(o *Options) {
				o.Observer = panickyObserver{in: method}
				o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			})
			resp, err := c.Do(bg(), getSecretRequest())
			require.NoError(t, err)
			assert.Equal(t, 200, resp.StatusCode)
			assert.Contains(t, logs.String(), "the Observer panicked")
			assert.Contains(t, logs.String(), "method="+method)
			assert.NotContains(t, logs.String(), "secret-looking")
		})
	}
}
