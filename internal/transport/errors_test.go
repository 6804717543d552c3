package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header map[string]string
		want   time.Duration
	}{
		{"none", nil, 0},
		{"x-acs ms", map[string]string{"X-Acs-Retry-After": "1000"}, time.Second},
		{"x-acs ms, spaces", map[string]string{"x-acs-retry-after": " 250 "}, 250 * time.Millisecond},
		{"x-acs wins over Retry-After", map[string]string{"X-Acs-Retry-After": "100", "Retry-After": "7"}, 100 * time.Millisecond},
		{"x-acs bad: ignored, not Retry-After", map[string]string{"X-Acs-Retry-After": "soon", "Retry-After": "7"}, 0},
		{"x-acs blank: Retry-After", map[string]string{"X-Acs-Retry-After": " ", "Retry-After": "7"}, 7 * time.Second},
		{"x-acs zero", map[string]string{"X-Acs-Retry-After": "0"}, 0},
		{"x-acs one", map[string]string{"X-Acs-Retry-After": "1"}, time.Millisecond},
		{"x-acs negative", map[string]string{"X-Acs-Retry-After": "-5"}, 0},
		{"x-acs at the bound", map[string]string{"X-Acs-Retry-After": "86400000"}, maxRetryAfter},
		{"x-acs over the bound", map[string]string{"X-Acs-Retry-After": "86400001"}, maxRetryAfter},
		{"x-acs huge", map[string]string{"X-Acs-Retry-After": "9223372036854775807"}, maxRetryAfter},
		{"x-acs overflowing", map[string]string{"X-Acs-Retry-After": "99999999999999999999999"}, 0},
		{"x-acs fraction", map[string]string{"X-Acs-Retry-After": "1.5"}, 0},
		{"seconds", map[string]string{"Retry-After": "3"}, 3 * time.Second},
		{"seconds, spaces", map[string]string{"Retry-After": " 3 "}, 3 * time.Second},
		{"seconds zero", map[string]string{"Retry-After": "0"}, 0},
		{"seconds negative", map[string]string{"Retry-After": "-3"}, 0},
		{"seconds huge", map[string]string{"Retry-After": "9223372036854775807"}, maxRetryAfter},
		{"HTTP date", map[string]string{"Retry-After": now.Add(90 * time.Second).Format(http.TimeFormat)}, 90 * time.Second},
		{"HTTP date now", map[string]string{"Retry-After": now.Format(http.TimeFormat)}, 0},
		{"HTTP date past", map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0},
		{"HTTP date far", map[string]string{"Retry-After": now.AddDate(1, 0, 0).Format(http.TimeFormat)}, maxRetryAfter},
		{"garbage", map[string]string{"Retry-After": "tomorrow-ish"}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tc.header {
				h.Set(k, v)
			}
			assert.Equal(t, tc.want, RetryAfter(h, now))
		})
	}
}

// The wait an error answer asks for lands in APIError.RetryAfter.
func TestRetryAfterReachesTheError(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "5")
		writeJSON(w, 400, `{"Code":"InvalidParameter","Message":"m"}`)
	})
	_, err := newTestClient(t, kmsService, s.URL, func(o *Options) { o.RetryMaxAttempts = 1 }).Do(bg(), getSecretRequest())
	var apiErr *signer.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 5*time.Second, apiErr.RetryAfter)
	require.ErrorIs(t, err, signer.ErrThrottled, "a requested wait makes the answer throttled")
}

// Every string field of APIError that can hold text from the network is
// scrubbed, of each value in every form: a field added to APIError and
// forgotten in scrub fails here.
func TestScrubCoversEveryStringField(t *testing.T) {
	const secret, token, sig = "the-secret-value", "the+token/value=", "the+signature/value="
	for _, v := range []string{secret, token, sig} {
		once := signer.PercentEncode(v)
		for _, leak := range []string{v, once, signer.PercentEncode(once)} {
			var e signer.APIError
			fields := reflect.ValueOf(&e).Elem()
			for i := range fields.NumField() {
				if f := fields.Field(i); f.Kind() == reflect.String {
					f.SetString("x " + leak + " y")
				}
			}
			scrub(&e, secret, token, sig)
			for i := range fields.NumField() {
				name := fields.Type().Field(i).Name
				if name == "Service" || name == "Operation" { // set by the client, never from the network
					continue
				}
				if f := fields.Field(i); f.Kind() == reflect.String {
					assert.Equal(t, "x [redacted] y", f.String(), "field %s, leak %q", name, leak)
				}
			}
		}
	}
}

func TestScrubForms(t *testing.T) {
	e := &signer.APIError{Message: "raw sec/ret+1 once sec%2Fret%2B1 twice sec%252Fret%252B1 tok en= tok%20en%3D short ab"}
	scrub(e, "sec/ret+1", "tok en=", "ab")
	assert.Equal(t, "raw [redacted] once [redacted] twice [redacted] [redacted] [redacted] short ab", e.Message)
}

// Values of six bytes or more are scrubbed; shorter ones (no real secret,
// token or signature is that short) are not searched for.
func TestScrubMinimumLength(t *testing.T) {
	e := &signer.APIError{Message: "a kkkkkk b qqqqq", Code: ""}
	scrub(e, "kkkkkk", "qqqqq", "")
	assert.Equal(t, "a [redacted] b qqqqq", e.Message)
	assert.Empty(t, e.Code)
}

// A connection failure names the call, the method and URL without its
// query (which carries the signature and any token), and the attempt, and
// keeps the cause.
func TestTransportErrorsDoNotQuoteTheQuery(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nothing listens there now: the dial fails
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		for _, svc := range []Service{kmsService, saeService} {
			t.Run(svc.Name+" "+v.String(), func(t *testing.T) {
				c := newTestClient(t, svc, "http://"+addr, func(o *Options) {
					o.Credentials = signer.StaticCredentials(testAK, testSecret, testToken)
					o.SignatureVersion = v
				})
				_, err := c.Do(bg(), &Request{Operation: "GetSecretValue", Method: "POST", Path: "/p", Query: map[string][]string{"SecretName": {"db"}}})
				require.Error(t, err)
				assertNoSecrets(t, err.Error())
				assert.NotContains(t, err.Error(), "Signature")
				assert.NotContains(t, err.Error(), "SecurityToken")
				assert.NotContains(t, err.Error(), "SecretName=db")
				path := "/p"
				if svc.Style == RPC {
					path = "/"
				}
				assert.True(t, strings.HasPrefix(err.Error(), svc.Name+" GetSecretValue: POST http://"+addr+path+" (attempt 3): "), err.Error())
				var opErr *net.OpError
				assert.ErrorAs(t, err, &opErr, "the cause stays wrapped")
			})
		}
	}
}

func TestContextError(t *testing.T) {
	c := newTestClient(t, kmsService, "http://127.0.0.1:9")
	r := getSecretRequest()
	ctx, cancel := context.WithCancel(bg())
	cancel()
	last := errors.New("kms GetSecretValue: ServiceUnavailable: busy (HTTP 503)")

	err := c.ctxError(ctx, r, nil)
	assert.Equal(t, "kms GetSecretValue (http://127.0.0.1:9): context canceled", err.Error())
	require.ErrorIs(t, err, context.Canceled)

	err = c.ctxError(ctx, r, last)
	assert.Equal(t, "kms GetSecretValue (http://127.0.0.1:9): context canceled (last error: kms GetSecretValue: ServiceUnavailable: busy (HTTP 503))", err.Error())
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, last)

	// An attempt the context cut short already names the call and where.
	cut := c.transportError(r, &http.Request{Method: "POST", URL: mustURL(t, "http://127.0.0.1:9/?Signature=x")}, 2, context.Canceled)
	err = c.ctxError(ctx, r, cut)
	assert.Equal(t, "kms GetSecretValue: POST http://127.0.0.1:9/ (attempt 2): context canceled", err.Error())
	require.ErrorIs(t, err, context.Canceled)

	// The context's bare error alone still gets the call and the endpoint.
	err = c.ctxError(ctx, r, context.Canceled)
	assert.Equal(t, "kms GetSecretValue (http://127.0.0.1:9): context canceled", err.Error())
	require.ErrorIs(t, err, context.Canceled)
}
