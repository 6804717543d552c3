package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

const okBody = `{"RequestId":"R-OK","SecretName":"db","SecretData":"v"}`

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
	c := newTestClient(t, kmsService, s.URL)
	resp, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, int32(3), s.calls.Load())
	assert.JSONEq(t, okBody, string(resp.Body))
}

func TestEveryAttemptIsSignedAfresh(t *testing.T) {
	var mu sync.Mutex
	nonces := map[string]bool{}
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		nonces[r.URL.Query().Get("SignatureNonce")] = true
		mu.Unlock()
		if n < 3 {
			writeJSON(w, 500, `{"Code":"InternalError","Message":"x"}`)
			return
		}
		writeJSON(w, 200, okBody)
	})
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Len(t, nonces, 3)
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
			_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
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

func TestHungServerHonoursDeadline(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	ctx, cancel := context.WithTimeout(bg(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := newTestClient(t, kmsService, s.URL).Do(ctx, getSecretRequest())
		done <- err
	}()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "kms GetSecretValue")
		assert.Equal(t, int32(1), s.calls.Load())
	case <-time.After(10 * time.Second): // a liveness bound, not a performance target
		t.Fatal("Do did not return after its context's deadline")
	}
}

// TestAttemptTimeoutIsRetried: the first attempt hangs; only the
// per-attempt timeout can end it, as the caller's HTTP client has no
// timeout of its own and the call no deadline.
func TestAttemptTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			select { // hang until the client gives up on this attempt
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		writeJSON(w, 200, okBody)
	})
	defer close(release)
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.AttemptTimeout = 50 * time.Millisecond; o.HTTPClient = &http.Client{} })
	done := make(chan error, 1)
	go func() { _, err := c.Do(bg(), getSecretRequest()); done <- err }()
	select {
	case err := <-done:
		require.NoError(t, err)
		assert.Equal(t, int32(2), s.calls.Load())
	case <-time.After(10 * time.Second): // liveness bound: without AttemptTimeout the first attempt never ends
		t.Fatal("the per-attempt timeout did not end the hung attempt")
	}
}

// doerFunc adapts a function to Doer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

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
		assert.Contains(t, err.Error(), "busy")
		assert.Equal(t, int32(1), s.calls.Load())
	case <-time.After(10 * time.Second): // liveness bound: the backoff is an hour
		t.Fatal("Do slept through a cancelled context")
	}
}

// TestBackoffNotPastDeadline: the policy's draw (99.9ms, the top of the
// first retry's [0, 100ms)) would end after the call's 50ms deadline, so
// the call ends at once with the real failure, without sleeping.
func TestBackoffNotPastDeadline(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"busy"}`)
	})
	var slept []time.Duration
	// The policy's clock stands an hour ahead: the deadline is 50ms away
	// for the policy and an hour away in real time, so a slow machine
	// cannot end the call before the policy decides.
	virtual := time.Now().Add(time.Hour)
	rt := retry.NewStandard(retry.StandardOptions{
		Now:   func() time.Time { return virtual },
		Rand:  func(n time.Duration) time.Duration { return n - 100*time.Microsecond },
		Sleep: func(_ context.Context, d time.Duration) bool { slept = append(slept, d); return true },
	})
	ctx, cancel := context.WithDeadline(bg(), virtual.Add(50*time.Millisecond))
	defer cancel()
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Retryer = rt })
	_, err := c.Do(ctx, getSecretRequest())
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	require.NotErrorIs(t, err, context.DeadlineExceeded)
	assert.Empty(t, slept)
	assert.Equal(t, int32(1), s.calls.Load())

	// With time for the draw, the same policy sleeps it and tries again.
	ctx2, cancel2 := context.WithDeadline(bg(), virtual.Add(time.Minute))
	defer cancel2()
	_, err = c.Do(ctx2, getSecretRequest())
	require.ErrorIs(t, err, signer.ErrServiceUnavailable)
	assert.NotEmpty(t, slept)
}

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
			// Later calls use the offset from the start.
			_, err = c.Do(bg(), getSecretRequest())
			require.NoError(t, err)
			assert.Equal(t, int32(3), s.calls.Load())
		})
	}
}

func TestClockSkewWithoutDateIsNotRetried(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header()["Date"] = nil // suppress the server's Date header
		writeJSON(w, 400, `{"Code":"IllegalTimestamp","Message":"x"}`)
	})
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, signer.ErrClockSkew)
	assert.Equal(t, int32(1), s.calls.Load())
}

func TestOversizedBodyRefused(t *testing.T) {
	for name, chunked := range map[string]bool{"content-length": false, "chunked": true} {
		t.Run(name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if !chunked {
					w.Header().Set("Content-Length", "5000000")
				}
				w.WriteHeader(200)
				chunk := bytes.Repeat([]byte("x"), 64<<10)
				for i := 0; i < 80; i++ { // 5 MiB > the 4 MiB limit
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
			require.ErrorIs(t, err, signer.ErrResponseTooLarge)
			assert.Equal(t, int32(1), s.calls.Load(), "not retried")
		})
	}
}

func TestHTMLGatewayPage(t *testing.T) {
	page := "<html><head><title>502 Bad Gateway</title></head><body>" + strings.Repeat("<p>nginx</p>", 500) + "</body></html>"
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte(page))
	})
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	var apiErr *signer.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Empty(t, apiErr.Code)
	assert.Contains(t, apiErr.Message, "502 Bad Gateway")
	assert.Contains(t, apiErr.Message, "text/html")
	assert.Less(t, len(err.Error()), 300, "never the whole page")
	assert.Equal(t, int32(3), s.calls.Load(), "a 5xx page is retried")
}

func TestErrorsNeverCarryCredentials(t *testing.T) {
	// A hostile or careless server echoes everything it got: the URL with
	// the signature and token, the Authorization header, the string to sign.
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		sts := signer.RPCStringToSign(r.Method, signer.CanonicalQuery(func() map[string][]string { c := q; c.Del("Signature"); return c }()))
		msg, _ := json.Marshal("echo " + r.URL.String() + " auth=" + r.Header.Get("Authorization") + " token=" + r.Header.Get("x-acs-security-token") +
			" sig=" + r.URL.Query().Get("Signature") + " server string to sign is:" + sts)
		status := []int{400, 502, 403}[n%3]
		code := map[int]string{400: "SignatureDoesNotMatch", 502: "", 403: "Forbidden.NoPermission"}[status]
		writeJSON(w, status, `{"Code":"`+code+`","Message":`+string(msg)+`,"Recommend":`+string(msg)+`}`)
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		for _, svc := range []Service{kmsService, saeService} {
			c := newTestClient(t, svc, s.URL, func(o *Options) {
				o.Credentials = signer.StaticCredentials(testAK, testSecret, testToken)
				o.SignatureVersion = v
				o.Logger = logger
			})
			for i := 0; i < 3; i++ {
				_, err := c.Do(bg(), &Request{Operation: "Op", Method: "GET", Path: "/p", Query: map[string][]string{"k": {"v"}}})
				require.Error(t, err)
				assertNoSecrets(t, err.Error())
				var apiErr *signer.APIError
				require.ErrorAs(t, err, &apiErr)
				assertNoSecrets(t, apiErr.Recommend)
				assert.Contains(t, apiErr.Message, "[redacted]")
			}
		}
	}
	assertNoSecrets(t, logs.String())
	assert.Contains(t, logs.String(), "alisecret: attempt")
}

func TestSignatureNeverInTransportErrors(t *testing.T) {
	// Nothing listens on this port: the dial fails, and the error must not
	// quote the URL's query.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	c := newTestClient(t, kmsService, "http://"+addr, func(o *Options) {
		o.Credentials = signer.StaticCredentials(testAK, testSecret, testToken)
	})
	_, err = c.Do(bg(), getSecretRequest())
	require.Error(t, err)
	assertNoSecrets(t, err.Error())
	assert.NotContains(t, err.Error(), "Signature=")
	assert.NotContains(t, err.Error(), "SecurityToken")
	assert.Contains(t, err.Error(), "attempt 3")
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr), "the cause stays wrapped: %v", err)
}

func TestUserAgentAndHeaders(t *testing.T) {
	var ua, accept string
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		ua, accept = r.Header.Get("User-Agent"), r.Header.Get("Accept")
		writeJSON(w, 200, okBody)
	})
	_, err := newTestClient(t, kmsService, s.URL, func(o *Options) { o.UserAgent = "mytool/1.2" }).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(ua, "alisecret-go/"+LibraryVersion+" (go"), ua)
	assert.True(t, strings.HasSuffix(ua, ") mytool/1.2"), ua)
	assert.Empty(t, accept, "RPC v1 asks for JSON with Format=JSON")
}

func TestROARequestsVerify(t *testing.T) {
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		t.Run(v.String(), func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "/pop/v1/sam/secret/secret", r.URL.Path)
				assert.Equal(t, "NamespaceId=cn-beijing%3Atest&SecretId=16", r.URL.RawQuery, "encoded on the wire")
				h := r.Header.Clone()
				if v == signer.V1 {
					res := signer.ROACanonicalResource(r.URL.Path, r.URL.Query())
					want := "acs " + testAK + ":" + signer.ROASignature(signer.ROAStringToSign(r.Method, h, res), testSecret)
					assert.Equal(t, want, r.Header.Get("Authorization"))
					assert.Contains(t, signer.ROAStringToSign(r.Method, h, res), "?NamespaceId=cn-beijing:test&SecretId=16", "signed raw")
				} else {
					cr, signed := signer.ACS3CanonicalRequest(r.Method, r.Host, r.URL.Path, r.URL.Query(), h, r.Header.Get("x-acs-content-sha256"))
					want := signer.ACS3Authorization(testAK, signed, signer.ACS3Signature(signer.ACS3StringToSign(cr), testSecret))
					assert.Equal(t, want, r.Header.Get("Authorization"))
				}
				writeJSON(w, 200, `{"Success":true}`)
			})
			c := newTestClient(t, saeService, s.URL, func(o *Options) { o.SignatureVersion = v })
			_, err := c.Do(bg(), &Request{Operation: "DescribeSecret", Method: "GET", Path: "/pop/v1/sam/secret/secret",
				Query: map[string][]string{"NamespaceId": {"cn-beijing:test"}, "SecretId": {"16"}}})
			require.NoError(t, err)
		})
	}
}

func TestCheckTurnsSuccessStatusIntoError(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			writeJSON(w, 200, `{"Success":false,"ErrorCode":"InternalError"}`)
			return
		}
		writeJSON(w, 200, `{"Success":true}`)
	})
	check := func(status int, h http.Header, body []byte) *signer.APIError {
		if bytes.Contains(body, []byte(`"Success":false`)) {
			return DecodeError("", "", status, h, body)
		}
		return CheckStatus(status, h, body)
	}
	_, err := newTestClient(t, saeService, s.URL).Do(bg(), &Request{Operation: "DescribeSecret", Method: "GET", Path: "/x", Check: CheckFunc(check)})
	require.NoError(t, err)
	assert.Equal(t, int32(2), s.calls.Load(), "a retryable envelope error is retried")
}

// CheckFunc adapts a function to Checker.
type CheckFunc func(status int, h http.Header, body []byte) *signer.APIError

// Check calls f.
func (f CheckFunc) Check(status int, h http.Header, body []byte) *signer.APIError {
	return f(status, h, body)
}
