package transport

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

func TestRetry503ThenSuccess(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if !verifyRPC(r, testSecret) {
			writeJSON(w, 400, `{"Code":"SignatureDoesNotMatch","Message":"bad"}`)
			return
		}
		if n < 3 {
			writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"try later","RequestId":"R-503"}`)
			return
		}
		writeJSON(w, 200, okBody)
	})
	resp, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, int32(3), s.calls.Load())
	assert.JSONEq(t, okBody, string(resp.Body))
}

func TestThrottlingThenSuccess(t *testing.T) {
	for _, code := range []string{"Throttling", "Throttling.User", "Throttling.Api", "Rejected.Throttling"} {
		t.Run(code, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					writeJSON(w, 400, `{"Code":"`+code+`","Message":"Request was denied due to user flow control."}`)
					return
				}
				writeJSON(w, 200, okBody)
			})
			clock := newFakeClock(time.Now())
			_, err := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = clock.policy(retry.StandardOptions{}) }).Do(bg(), getSecretRequest())
			require.NoError(t, err)
			assert.Equal(t, int32(2), s.calls.Load())
		})
	}
}

func TestConnectionResetThenSuccess(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.(*net.TCPConn).SetLinger(0) // RST, not FIN
				_ = conn.Close()
			}
			return
		}
		writeJSON(w, 200, okBody)
	})
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, int32(2), s.calls.Load())
}

func TestResetMidBodyThenSuccess(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"RequestId":`))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		writeJSON(w, 200, okBody)
	})
	resp, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.JSONEq(t, okBody, string(resp.Body))
	assert.Equal(t, int32(2), s.calls.Load())
}

func TestNoRetryOnCredentialAndClientErrors(t *testing.T) {
	cases := map[string]struct {
		status int
		code   string
		class  error
	}{
		"SignatureDoesNotMatch":       {400, "SignatureDoesNotMatch", signer.ErrInvalidCredentials},
		"InvalidAccessKeyId.NotFound": {404, "InvalidAccessKeyId.NotFound", signer.ErrInvalidCredentials},
		"Forbidden.NoPermission":      {403, "Forbidden.NoPermission", signer.ErrAccessDenied},
		"Forbidden.ResourceNotFound":  {404, "Forbidden.ResourceNotFound", signer.ErrNotFound},
		"InvalidParameter":            {400, "InvalidParameter", signer.ErrInvalidParameter},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tc.status, `{"Code":"`+tc.code+`","Message":"m","RequestId":"R-1","HostId":"kms.test"}`)
			})
			_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
			require.ErrorIs(t, err, tc.class)
			var apiErr *signer.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, "R-1", apiErr.RequestID)
			assert.Equal(t, "kms.test", apiErr.HostID)
			assert.Equal(t, "kms", apiErr.Service)
			assert.Equal(t, "GetSecretValue", apiErr.Operation)
			assert.Equal(t, int32(1), s.calls.Load(), "one attempt only")
		})
	}
}

func TestPersistent500KeepsLastError(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, `{"Code":"InternalFailure","Message":"attempt","RequestId":"R-`+string(rune('0'+n))+`"}`)
	})
	_, err := newTestClient(t, kmsService, s.URL, func(o *Options) { o.RetryMaxAttempts = 4 }).Do(bg(), getSecretRequest())
	var apiErr *signer.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "R-4", apiErr.RequestID)
	assert.Equal(t, int32(4), s.calls.Load())
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
}

func TestRetryMaxAttemptsOneMeansNoRetry(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"Code":"ServiceUnavailable"}`)
	})
	_, err := newTestClient(t, kmsService, s.URL, func(o *Options) { o.RetryMaxAttempts = 1 }).Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.Equal(t, int32(1), s.calls.Load())
}

func TestRetryDecisions(t *testing.T) {
	cases := []struct {
		name      string
		status    int
		header    map[string]string
		body      string
		failures  int // answers like this before a success
		calls     int32
		class     error // when the call fails
		slept     []time.Duration
		failsWith int // status of the final error, 0: success
	}{
		{name: "plain-text 429 retried", status: 429, body: "Too Many Requests", failures: 4, calls: 5},
		{name: "x-acs-retry-after honoured", status: 400, header: map[string]string{"X-Acs-Retry-After": "1000"}, body: `{"Code":"SomethingNew"}`, failures: 2, calls: 3, slept: []time.Duration{time.Second, time.Second}},
		{name: "Retry-After on 503", status: 503, header: map[string]string{"Retry-After": "2"}, body: `{"Code":"ServiceUnavailable"}`, failures: 1, calls: 2, slept: []time.Duration{2 * time.Second}},
		{name: "unclassified 500 retried", status: 500, body: "oops", failures: 2, calls: 3},
		{name: "unclassified 500 until attempts run out", status: 500, body: "oops", failures: 9, calls: 3, failsWith: 500},
		{name: "unclassified 4xx not retried", status: 418, body: "teapot", failures: 1, calls: 1, failsWith: 418},
		{name: "throttled 429 matches ErrThrottled when it fails", status: 429, body: "slow down", failures: 9, calls: 1, class: signer.ErrThrottled, failsWith: 429},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n <= tc.failures {
					for k, v := range tc.header {
						w.Header().Set(k, v)
					}
					w.Header().Set("Content-Type", "text/plain")
					w.WriteHeader(tc.status)
					_, _ = w.Write([]byte(tc.body))
					return
				}
				writeJSON(w, 200, okBody)
			})
			maxAttempts := 3
			if tc.class == signer.ErrThrottled {
				maxAttempts = 1 // the only way a throttled call without deadline fails at once
			}
			clock := newFakeClock(time.Now())
			c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = clock.policy(retry.StandardOptions{MaxAttempts: maxAttempts}) })
			_, err := c.Do(bg(), getSecretRequest())
			if tc.failsWith == 0 {
				require.NoError(t, err)
			} else {
				var apiErr *signer.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tc.failsWith, apiErr.StatusCode)
				if tc.class != nil {
					require.ErrorIs(t, err, tc.class)
				}
			}
			assert.Equal(t, tc.calls, s.calls.Load())
			assert.Equal(t, tc.slept, clock.Slept())
		})
	}
}

// TestThrottledUntilDeadline: a throttled call keeps trying past
// RetryMaxAttempts while its deadline allows, and the error it ends with
// carries the server's requested wait.
func TestThrottledUntilDeadline(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Acs-Retry-After", "10")
		writeJSON(w, 429, `{"Code":"Rejected.Throttling","Message":"QPS Limit Exceeded"}`)
	})
	// The policy's clock is virtual and an hour ahead: the context's
	// deadline is 95ms away for the policy and an hour away in real time,
	// so a slow machine cannot end the call before the policy does.
	clock := newFakeClock(time.Now().Add(time.Hour))
	ctx, cancel := context.WithDeadline(bg(), clock.Now().Add(95*time.Millisecond))
	defer cancel()
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = clock.policy(retry.StandardOptions{}) })
	_, err := c.Do(ctx, getSecretRequest())
	require.ErrorIs(t, err, signer.ErrThrottled)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
	var apiErr *signer.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 10*time.Millisecond, apiErr.RetryAfter)
	assert.Equal(t, int32(10), s.calls.Load(), "attempts at 0, 10, ..., 90ms; the next would be at 100ms")
	assert.Len(t, clock.Slept(), 9)
}

// TestBackoffNotPastDeadline: the policy's draw (99.9ms, the top of the
// first retry's [0, 100ms)) would end after the call's 50ms deadline, so
// the call ends at once with the real failure, without sleeping.
func TestBackoffNotPastDeadline(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"busy"}`)
	})
	// The policy's clock stands an hour ahead: the deadline is 50ms away
	// for the policy and an hour away in real time.
	clock := newFakeClock(time.Now().Add(time.Hour))
	rt := clock.policy(retry.StandardOptions{Rand: func(n time.Duration) time.Duration { return n - 100*time.Microsecond }})
	ctx, cancel := context.WithDeadline(bg(), clock.Now().Add(50*time.Millisecond))
	defer cancel()
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rt })
	_, err := c.Do(ctx, getSecretRequest())
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, clock.Slept())
	assert.Equal(t, int32(1), s.calls.Load())

	// With time for the draws, the same policy sleeps them and tries again
	// (after another call's success: one failure in a row does not pace).
	rt.Record(nil)
	ctx2, cancel2 := context.WithDeadline(bg(), clock.Now().Add(time.Minute))
	defer cancel2()
	_, err = c.Do(ctx2, getSecretRequest())
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.Equal(t, []time.Duration{100*time.Millisecond - 100*time.Microsecond, 200*time.Millisecond - 100*time.Microsecond}, clock.Slept())
	assert.Equal(t, int32(4), s.calls.Load())
}

func TestCancelDuringBackoffReturnsAtOnce(t *testing.T) {
	ctx, cancel := context.WithTimeout(bg(), 2*time.Hour) // time for the hour's wait
	defer cancel()
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Acs-Retry-After", "3600000")
		writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"busy"}`)
	})
	// The answer is read in full, then the context ends: the service asked
	// for an hour, so the client is about to sleep an hour before attempt 2.
	cancelAfterAnswer := doerFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			return nil, err
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(body))
		cancel()
		return resp, err
	})
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.RetryMaxBackoff = time.Hour; o.HTTPClient = cancelAfterAnswer })
	done := make(chan error, 1)
	go func() { _, err := c.Do(ctx, getSecretRequest()); done <- err }()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
		var apiErr *signer.APIError
		require.ErrorAs(t, err, &apiErr, "the last answer is kept")
		assert.Equal(t, time.Hour, apiErr.RetryAfter)
		assert.Contains(t, err.Error(), "kms GetSecretValue ("+s.URL+"): context canceled (last error: ")
		assert.Contains(t, err.Error(), "busy")
		assert.Equal(t, int32(1), s.calls.Load())
	case <-time.After(10 * time.Second): // liveness bound: the backoff is an hour
		t.Fatal("Do slept through a cancelled context")
	}
}

// A context that ends during the wait before a retry ends the call with
// the cancellation and the failure that caused the wait.
func TestCancelDuringSleep(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"busy"}`)
	})
	ctx, cancel := context.WithCancel(bg())
	defer cancel()
	clock := newFakeClock(time.Now())
	rt := clock.policy(retry.StandardOptions{
		Rand:  func(n time.Duration) time.Duration { return n / 2 },
		Sleep: func(context.Context, time.Duration) bool { cancel(); return false },
	})
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rt })
	_, err := c.Do(ctx, getSecretRequest())
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.Equal(t, "kms GetSecretValue ("+s.URL+"): context canceled (last error: kms GetSecretValue: ServiceUnavailable: busy (HTTP 503))", err.Error())
	assert.Equal(t, int32(1), s.calls.Load())
}

// A Retryer whose Sleep declines to wait while the context is live ends the
// call with the failure that caused the wait.
func TestSleepDeclinedEndsWithTheFailure(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"busy"}`)
	})
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = declineRetryer{} })
	_, err := c.Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.Equal(t, "kms GetSecretValue: ServiceUnavailable: busy (HTTP 503)", err.Error())
	assert.Equal(t, int32(1), s.calls.Load())

	// Declining the wait before the first attempt (a pacing policy) sends nothing.
	c = newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = declineRetryer{first: time.Second} })
	_, err = c.Do(bg(), getSecretRequest())
	require.Error(t, err)
	assert.Equal(t, "kms GetSecretValue ("+s.URL+"): the Retryer's Sleep ended the call before it was sent", err.Error())
	assert.Equal(t, int32(1), s.calls.Load())
}

// declineRetryer retries after a second and declines every wait.
type declineRetryer struct{ first time.Duration }

func (r declineRetryer) Delay(_ context.Context, a retry.Attempt) (time.Duration, error) {
	if a.Err == nil {
		return r.first, nil
	}
	return time.Second, nil
}
func (declineRetryer) Record(error)                              {}
func (declineRetryer) Sleep(context.Context, time.Duration) bool { return false }

func TestClockSkewLearnedThenSuccess(t *testing.T) {
	serverNow := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	for name, localOffset := range map[string]time.Duration{"client behind": -2 * time.Hour, "client ahead": 3 * time.Hour} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				ts, err := time.Parse(signer.RPCTimestampLayout, r.URL.Query().Get("Timestamp"))
				if err != nil || ts.Sub(serverNow).Abs() > 15*time.Minute {
					w.Header().Set("Date", serverNow.Format(http.TimeFormat))
					writeJSON(w, 400, `{"Code":"InvalidTimeStamp.Expired","Message":"Specified time stamp or date value is expired."}`)
					return
				}
				writeJSON(w, 200, okBody)
			})
			c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.RetryMaxAttempts = 1 })
			c.SetClock(func() time.Time { return serverNow.Add(localOffset) })
			_, err := c.Do(bg(), getSecretRequest())
			require.NoError(t, err, "one immediate retry with the learned offset, even with RetryMaxAttempts 1")
			assert.Equal(t, int32(2), s.calls.Load())
			assert.Equal(t, -localOffset, c.ClockOffset())
			// Later calls use the offset from the start, and so do the
			// client's per-call variants.
			_, err = c.Do(bg(), getSecretRequest())
			require.NoError(t, err)
			assert.Equal(t, int32(3), s.calls.Load())
			v, err := c.With(c.Options())
			require.NoError(t, err)
			_, err = v.Do(bg(), getSecretRequest())
			require.NoError(t, err)
			assert.Equal(t, int32(4), s.calls.Load())
		})
	}
}

// The immediate retry after a clock-skew correction happens once per call:
// a service that keeps refusing the time ends the call with that error.
func TestClockSkewRetriedOnce(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat))
		writeJSON(w, 400, `{"Code":"RequestTimeTooSkewed","Message":"skewed"}`)
	})
	clock := newFakeClock(time.Now())
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = clock.policy(retry.StandardOptions{}) })
	_, err := c.Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrClockSkew)
	assert.Equal(t, int32(2), s.calls.Load())
	assert.Empty(t, clock.Slept(), "at once, not after a backoff")
}

func TestClockSkewWithoutDateIsNotRetried(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // suppress the server's Date header
		writeJSON(w, 400, `{"Code":"IllegalTimestamp","Message":"x"}`)
	})
	c := newTestClient(t, kmsService, s.URL)
	_, err := c.Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrClockSkew)
	assert.Equal(t, int32(1), s.calls.Load())
	assert.Zero(t, c.ClockOffset())
}

func TestSkewClockLearn(t *testing.T) {
	local := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	k := &skewClock{now: func() time.Time { return local }}
	assert.False(t, k.learn(http.Header{"Date": {"not a date"}}))
	assert.Equal(t, local, k.Now())
	require.True(t, k.learn(http.Header{"Date": {local.Add(90 * time.Second).Format(http.TimeFormat)}}))
	assert.Equal(t, local.Add(90*time.Second), k.Now())
}

// attemptLog is a Retryer that allows everything at once and logs what
// the loop tells it.
type attemptLog struct {
	mu       sync.Mutex
	attempts []retry.Attempt
	records  []error
	delay    time.Duration
	slept    []time.Duration
}

func (l *attemptLog) Delay(_ context.Context, a retry.Attempt) (time.Duration, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.attempts = append(l.attempts, a)
	if a.Number > 4 {
		return 0, a.Err
	}
	if a.Number == 1 {
		return 0, nil
	}
	return l.delay, nil
}

func (l *attemptLog) Record(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, err)
}

func (l *attemptLog) Sleep(_ context.Context, d time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.slept = append(l.slept, d)
	return true
}

// TestLoopTellsTheRetryer: the loop asks before every attempt with the
// call's state (number, last failure, failures and throttles counted apart,
// time waited), sleeps what it is told, and records every outcome.
func TestLoopTellsTheRetryer(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		switch n {
		case 1, 3:
			writeJSON(w, 429, `{"Code":"Throttling"}`)
		case 2:
			writeJSON(w, 503, `{"Code":"ServiceUnavailable"}`)
		default:
			writeJSON(w, 200, okBody)
		}
	})
	l := &attemptLog{delay: 7 * time.Millisecond}
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = l })
	_, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	require.Len(t, l.attempts, 4)
	type state struct {
		number, failures, throttles int
		waited                      time.Duration
		class                       error
	}
	var got []state
	for _, a := range l.attempts {
		st := state{a.Number, a.Failures, a.Throttles, a.Waited, nil}
		var e *signer.APIError
		if errors.As(a.Err, &e) {
			st.class = e.Class()
		}
		got = append(got, st)
	}
	assert.Equal(t, []state{
		{1, 0, 0, 0, nil},
		{2, 0, 1, 0, signer.ErrThrottled},
		{3, 1, 1, 7 * time.Millisecond, signer.ErrServiceUnavailable},
		{4, 1, 2, 14 * time.Millisecond, signer.ErrThrottled},
	}, got)
	assert.Equal(t, []time.Duration{7 * time.Millisecond, 7 * time.Millisecond, 7 * time.Millisecond}, l.slept)
	require.Len(t, l.records, 4)
	assert.Nil(t, l.records[3], "the success is recorded")
	for _, r := range l.records[:3] {
		require.Error(t, r)
	}
}

// A Retryer that stops the call before its first attempt ends it unsent,
// with the Retryer's error.
func TestRetryerStopsBeforeTheFirstAttempt(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	stop := errors.New("not now")
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = stopRetryer{stop} })
	_, err := c.Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, stop)
	assert.Zero(t, s.calls.Load())
}

type stopRetryer struct{ err error }

func (r stopRetryer) Delay(context.Context, retry.Attempt) (time.Duration, error) { return 0, r.err }
func (stopRetryer) Record(error)                                                  {}
func (stopRetryer) Sleep(context.Context, time.Duration) bool                     { return true }

// TestPacedCallInTheLoop: a call of a client that keeps failing waits for
// its slot (1s after the failures). When another call succeeds meanwhile,
// it is sent at once; when it is cancelled, it ends with the cancellation;
// when the slot would come after its deadline, it ends at once, unsent,
// with the client's failure (not a deadline error).
func TestPacedCallInTheLoop(t *testing.T) {
	cases := []struct {
		name     string
		deadline time.Duration                                       // from the policy's now
		during   func(rt *retry.Standard, cancel context.CancelFunc) // in the wait
		calls    int32
		wantErrs []error
		message  string
	}{
		{name: "another call succeeds: sent", deadline: time.Hour, during: func(rt *retry.Standard, _ context.CancelFunc) { rt.Record(nil) }, calls: 1},
		{name: "cancelled: not sent", deadline: time.Hour, during: func(_ *retry.Standard, cancel context.CancelFunc) { cancel() }, calls: 0, wantErrs: []error{context.Canceled}},
		{name: "the slot is after the deadline: not sent", deadline: 500 * time.Millisecond, calls: 0, wantErrs: []error{signer.ErrServiceUnavailable}, message: "not sent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
			ctx, cancel := context.WithDeadline(bg(), time.Now().Add(time.Hour))
			defer cancel()
			deadline, _ := ctx.Deadline()
			now := deadline.Add(-tc.deadline)
			var rt *retry.Standard
			rt = retry.NewStandard(retry.StandardOptions{
				Now: func() time.Time { return now },
				Sleep: func(sctx context.Context, d time.Duration) bool {
					assert.Equal(t, retry.PaceInterval, d, "until the slot")
					require.NotNil(t, tc.during, "no wait expected")
					tc.during(rt, cancel)
					<-sctx.Done()
					return false
				},
			})
			for range retry.PaceAfter {
				rt.Record(&signer.APIError{StatusCode: 503, Code: "ServiceUnavailable"})
			}
			c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rt })
			_, err := c.Do(ctx, getSecretRequest())
			assert.Equal(t, tc.calls, s.calls.Load())
			if tc.wantErrs == nil {
				require.NoError(t, err)
				return
			}
			for _, want := range tc.wantErrs {
				require.ErrorIs(t, err, want)
			}
			assert.NotErrorIs(t, err, context.DeadlineExceeded)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}
