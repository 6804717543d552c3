package reliability

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/signer"
)

type row struct {
	name     string
	services string                                    // "" both, or "kms" / "sae"
	faults   func(tg *target) []fakegw.Fault           // queued before the call
	opts     opts                                      // client options (attempts default 3)
	deadline time.Duration                             // call deadline (default 10s)
	attempts int                                       // requests the server sees
	class    error                                     // nil: success; else errors.Is
	check    func(t *testing.T, tg *target, err error) // further assertions
}

func faults(fs ...fakegw.Fault) func(*target) []fakegw.Fault {
	return func(*target) []fakegw.Fault { return fs }
}

var errDecode = errors.New("not the operation's document (APIError without Code)")

func matrix() []row {
	html := "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
	serverAhead := time.Now().Add(3 * time.Hour)
	serverBehind := time.Now().Add(-3 * time.Hour)
	rows := []row{
		{name: "500 then success", faults: faults(fakegw.Fault{Status: 500, Code: "InternalError"}), attempts: 2},
		{name: "502 HTML page then success", faults: faults(fakegw.Fault{Status: 502, Body: html, ContentType: "text/html"}), attempts: 2},
		{name: "503 then success", faults: faults(fakegw.Fault{Status: 503, Code: "ServiceUnavailable"}), attempts: 2},
		{name: "504 empty body then success", faults: faults(fakegw.Fault{Status: 504, ContentType: "text/plain"}), attempts: 2},
		{name: "503 503 then success", faults: faults(fakegw.Fault{Status: 503, Code: "ServiceUnavailable"}, fakegw.Fault{Status: 503, Code: "ServiceUnavailableTemporary"}), attempts: 3},
		{name: "Throttling then success", faults: faults(fakegw.Fault{Status: 400, Code: "Throttling"}), attempts: 2},
		{name: "Throttling.User then success", faults: faults(fakegw.Fault{Status: 400, Code: "Throttling.User"}), attempts: 2},
		{name: "Throttling.Api then success", faults: faults(fakegw.Fault{Status: 400, Code: "Throttling.Api"}), attempts: 2},
		{name: "Rejected.Throttling then success", faults: faults(fakegw.Fault{Status: 400, Code: "Rejected.Throttling"}), attempts: 2},
		{name: "InternalFailure then success", faults: faults(fakegw.Fault{Status: 500, Code: "InternalFailure"}), attempts: 2},
		{name: "connection reset before the answer then success", faults: faults(fakegw.Fault{Reset: true}), attempts: 2},
		{name: "connection dropped mid-body then success", faults: func(tg *target) []fakegw.Fault {
			return []fakegw.Fault{{Reset: true, ResetAfter: 20, Body: tg.okBody, ContentType: "application/json"}}
		}, attempts: 2},
		{name: "truncated JSON in a complete answer", faults: func(tg *target) []fakegw.Fault {
			return []fakegw.Fault{{Status: 200, Body: tg.okBody[:len(tg.okBody)-15], ContentType: "application/json"}}
		}, attempts: 1, class: errDecode, check: func(t *testing.T, tg *target, err error) {
			assert.Contains(t, err.Error(), "truncated JSON")
		}},
		{name: "body over the 4 MiB limit", faults: faults(fakegw.Fault{Status: 200, BodySize: 5 << 20, ContentType: "application/json"}), attempts: 1, class: signer.ErrResponseTooLarge},
		{name: "wrong Content-Type on a good body", faults: func(tg *target) []fakegw.Fault {
			return []fakegw.Fault{{Status: 200, Body: tg.okBody, ContentType: "text/plain"}}
		}, attempts: 1},
		{name: "HTTP 200 with Success false, transient", services: "sae", faults: faults(fakegw.Fault{Status: 200, Code: "InternalError"}), attempts: 2},
		{name: "HTTP 200 with Success false, permanent", services: "sae", faults: faults(fakegw.Fault{Status: 200, Code: "InvalidParameter.WithMessage", Message: "bad"}), attempts: 1, class: signer.ErrInvalidParameter},
		{name: "hung server, short deadline", faults: faults(fakegw.Fault{Delay: time.Hour}), deadline: 100 * time.Millisecond, attempts: 1, class: context.DeadlineExceeded},
		{name: "clock skew, server ahead", opts: opts{clock: func() time.Time { return serverAhead }}, attempts: 2},
		{name: "clock skew, server behind", opts: opts{clock: func() time.Time { return serverBehind }}, attempts: 2},
		{name: "Date far in the future on a success is ignored", faults: faults(fakegw.Fault{Date: time.Now().AddDate(10, 0, 0)}), attempts: 1, check: func(t *testing.T, tg *target, err error) {
			before := tg.requests()
			require.NoError(t, tg.call(context.Background(), nil), "the next call is not signed with the wild time")
			assert.Equal(t, 1, tg.requests()-before)
		}},
		{name: "SignatureDoesNotMatch is not retried", faults: faults(fakegw.Fault{Status: 400, Code: "SignatureDoesNotMatch"}), attempts: 1, class: signer.ErrInvalidCredentials},
		{name: "InvalidAccessKeyId.NotFound is not retried", faults: faults(fakegw.Fault{Status: 404, Code: "InvalidAccessKeyId.NotFound"}), attempts: 1, class: signer.ErrInvalidCredentials,
			check: func(t *testing.T, _ *target, err error) { assert.NotErrorIs(t, err, signer.ErrNotFound) }},
		{name: "Forbidden.NoPermission is not retried", faults: faults(fakegw.Fault{Status: 403, Code: "Forbidden.NoPermission"}), attempts: 1, class: signer.ErrAccessDenied},
		{name: "not found is not retried", faults: func(tg *target) []fakegw.Fault {
			if tg.name == "sae" {
				return []fakegw.Fault{{Status: 400, Code: "InvalidSecretId.NotFound"}}
			}
			return []fakegw.Fault{{Status: 404, Code: "Forbidden.ResourceNotFound"}}
		}, attempts: 1, class: signer.ErrNotFound},
		{name: "persistent 500 gives up after RetryMaxAttempts", faults: faults(
			fakegw.Fault{Status: 500, Code: "InternalError", Message: "1"}, fakegw.Fault{Status: 500, Code: "InternalError", Message: "2"},
			fakegw.Fault{Status: 500, Code: "InternalError", Message: "3"}, fakegw.Fault{Status: 500, Code: "InternalError", Message: "4"}),
			opts: opts{maxAttempts: 4}, attempts: 4, class: signer.ErrServiceUnavailable,
			check: func(t *testing.T, _ *target, err error) {
				var apiErr *signer.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, "4", apiErr.Message, "the last answer is kept")
			}},
		{name: "RetryMaxAttempts 1 never retries", faults: faults(fakegw.Fault{Status: 503, Code: "ServiceUnavailable"}), opts: opts{maxAttempts: 1}, attempts: 1, class: signer.ErrServiceUnavailable},
	}
	return rows
}

func TestFaultMatrix(t *testing.T) {
	for _, svc := range targets {
		for _, r := range matrix() {
			if r.services != "" && r.services != svc.name {
				continue
			}
			t.Run(svc.name+"/"+r.name, func(t *testing.T) {
				o := r.opts
				if o.maxBackoff == 0 {
					o.maxBackoff = 5 * time.Millisecond
				}
				tg := svc.new(t, o)
				if r.faults != nil {
					tg.fail(r.faults(tg)...)
				}
				deadline := r.deadline
				if deadline == 0 {
					deadline = 10 * time.Second
				}
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				err := callWithin(t, tg, ctx, deadline+10*time.Second)
				assert.Equal(t, r.attempts, tg.requests(), "attempts")
				switch {
				case r.class == nil:
					require.NoError(t, err)
				case r.class == errDecode:
					var apiErr *signer.APIError
					require.ErrorAs(t, err, &apiErr, "the service check's answer")
					assert.Empty(t, apiErr.Code, "no error code: %v", err)
				default:
					require.ErrorIs(t, err, r.class)
				}
				if r.class != context.DeadlineExceeded && err != nil {
					assert.NotErrorIs(t, err, context.DeadlineExceeded, "returned within its deadline")
				}
				if r.check != nil {
					r.check(t, tg, err)
				}
			})
		}
	}
}

// callWithin runs the call and fails the test if it has not returned by
// limit (a liveness bound, far above any expected time).
func callWithin(t *testing.T, tg *target, ctx context.Context, limit time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- tg.call(ctx, nil) }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		t.Fatalf("%s: call did not return", tg.name)
		return nil
	}
}

// TestCancelDuringBackoff: the context ends once the first answer is read,
// before the client's wait for its second attempt; the call returns at once
// with context.Canceled and keeps the answer it had. (The wait itself is
// short here; transport's TestCancelDuringBackoffReturnsAtOnce cancels an
// hour-long one.)
func TestCancelDuringBackoff(t *testing.T) {
	for _, svc := range targets {
		ctx, cancel := context.WithCancel(context.Background())
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
		tg := svc.new(t, opts{maxBackoff: time.Hour, httpClient: cancelAfterAnswer})
		t.Run(tg.name, func(t *testing.T) {
			tg.fail(fakegw.Fault{Status: 503, Code: "ServiceUnavailable", Message: "busy"})
			err := callWithin(t, tg, ctx, 10*time.Second)
			require.ErrorIs(t, err, context.Canceled)
			require.ErrorIs(t, err, signer.ErrServiceUnavailable)
			assert.True(t, strings.Contains(err.Error(), "busy"), err.Error())
			assert.Equal(t, 1, tg.requests())
		})
		cancel()
	}
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }
