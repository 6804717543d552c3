package transport

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

func TestDoReturnsTheSuccessAnswer(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "POST", r.Method)
		assert.Equal(t, "/", r.URL.Path)
		assert.True(t, verifyRPC(r, testSecret))
		q := r.URL.Query()
		assert.Equal(t, "GetSecretValue", q.Get("Action"))
		assert.Equal(t, "2016-01-20", q.Get("Version"))
		assert.Equal(t, "db", q.Get("SecretName"))
		w.Header().Set("X-Acs-Request-Id", "R-OK")
		writeJSON(w, 200, okBody)
	})
	resp, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
	assert.Equal(t, "R-OK", resp.RequestID())
	assert.Equal(t, "application/json;charset=utf-8", resp.Header.Get("Content-Type"))
	assert.JSONEq(t, okBody, string(resp.Body))
}

func TestDoWithNilContext(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	//lint:ignore SA1012 a nil context is accepted, as the background
	resp, err := newTestClient(t, kmsService, s.URL).Do(nil, getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, 200, resp.StatusCode)
}

// An RPC request goes to "/" whatever its Path says.
func TestRPCIgnoresPath(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/", r.URL.Path)
		writeJSON(w, 200, okBody)
	})
	r := getSecretRequest()
	r.Path = "/elsewhere"
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), r)
	require.NoError(t, err)
}

func TestEveryAttemptIsSignedAfresh(t *testing.T) {
	var mu sync.Mutex
	nonces := map[string]bool{}
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		nonces[r.URL.Query().Get("SignatureNonce")] = true
		mu.Unlock()
		assert.True(t, verifyRPC(r, testSecret), "attempt %d", n)
		if n < 3 {
			writeJSON(w, 500, `{"Code":"InternalError","Message":"x"}`)
			return
		}
		writeJSON(w, 200, okBody)
	})
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Len(t, nonces, 3)
	for n := range nonces {
		assert.Len(t, n, 32, "16 bytes of randomness, hex")
	}
}

func TestUserAgentAndHeaders(t *testing.T) {
	var ua, accept string
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		ua, accept = r.Header.Get("User-Agent"), r.Header.Get("Accept")
		writeJSON(w, 200, okBody)
	})
	_, err := newTestClient(t, kmsService, s.URL, func(o *Options) { o.UserAgent = "mytool/1.2" }).Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Equal(t, userAgent("mytool/1.2"), ua)
	assert.Empty(t, accept, "RPC v1 asks for JSON with Format=JSON")
}

func TestROARequestsVerify(t *testing.T) {
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		t.Run(v.String(), func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "GET", r.Method)
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
					assert.Equal(t, "DescribeSecret", r.Header.Get("x-acs-action"))
					assert.Equal(t, "2019-05-06", r.Header.Get("x-acs-version"))
				}
				writeJSON(w, 200, `{"Success":true}`)
			})
			c := newTestClient(t, saeService, s.URL, func(o *Options) { o.SignatureVersion = v })
			_, err := c.Do(bg(), &Request{Operation: "DescribeSecret", Method: "GET", Path: "/pop/v1/sam/secret/secret",
				Query: map[string][]string{"NamespaceId": {"cn-beijing:test"}, "SecretId": {"16"}}})
			require.NoError(t, err)
			assert.Equal(t, int32(1), s.calls.Load())
		})
	}
}

// An ROA request without a path goes to "/".
func TestROAEmptyPath(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/", r.URL.Path)
		writeJSON(w, 200, `{"Success":true}`)
	})
	_, err := newTestClient(t, saeService, s.URL).Do(bg(), &Request{Operation: "Op", Method: "GET"})
	require.NoError(t, err)
	assert.Equal(t, int32(1), s.calls.Load())
}

// RPC with signer.V3 signs with ACS3 and verifies.
func TestRPCWithACS3Verifies(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.Query().Get("Signature"), "no RPC v1 signature")
		cr, signed := signer.ACS3CanonicalRequest(r.Method, r.Host, r.URL.Path, r.URL.Query(), r.Header.Clone(), r.Header.Get("x-acs-content-sha256"))
		want := signer.ACS3Authorization(testAK, signed, signer.ACS3Signature(signer.ACS3StringToSign(cr), testSecret))
		assert.Equal(t, want, r.Header.Get("Authorization"))
		assert.Equal(t, "GetSecretValue", r.Header.Get("x-acs-action"))
		writeJSON(w, 200, okBody)
	})
	_, err := newTestClient(t, kmsService, s.URL, func(o *Options) { o.SignatureVersion = signer.V3 }).Do(bg(), getSecretRequest())
	require.NoError(t, err)
}

// A request that cannot be built fails at once, naming the call, and is
// not retried.
func TestUnsignableRequestIsFatal(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), &Request{Operation: "Op", Method: "BAD METHOD"})
	require.Error(t, err)
	assert.True(t, strings.HasPrefix(err.Error(), "kms Op: "), err.Error())
	assert.Zero(t, s.calls.Load())
}

// An Envelope service's 2xx answer with "Success": false is an error
// answer like any non-2xx one: decoded, classed, retried when retryable.
// Without the envelope such a body is the service's to read.
func TestEnvelope(t *testing.T) {
	cases := []struct {
		name    string
		svc     Service
		answers []string // one per attempt, all HTTP 200
		calls   int32
		class   error // nil: success
		code    string
	}{
		{"retryable error, then success", saeService,
			[]string{`{"Success":false,"ErrorCode":"InternalError","Message":"busy","RequestId":"S-1"}`, `{"Success":true,"Data":{}}`}, 2, nil, ""},
		{"not found", saeService,
			[]string{`{"Success":false,"Code":"404","ErrorCode":"InvalidSecretId.NotFound","Message":"no such secret","RequestId":"S-1"}`}, 1, signer.ErrNotFound, "InvalidSecretId.NotFound"},
		{"false as a string", saeService, []string{`{"Success":"false","ErrorCode":"Forbidden.NoPermission"}`}, 1, signer.ErrAccessDenied, "Forbidden.NoPermission"},
		{"Success true", saeService, []string{`{"Success":true,"ErrorCode":"Ignored"}`}, 1, nil, ""},
		{"no Success field", saeService, []string{`{"Data":{}}`}, 1, nil, ""},
		{"Success null", saeService, []string{`{"Success":null}`}, 1, nil, ""},
		{"not JSON", saeService, []string{`<html>ok</html>`}, 1, nil, ""},
		{"without the envelope", kmsService, []string{`{"Success":false,"Code":"InternalError"}`}, 1, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, tc.answers[min(n, len(tc.answers))-1])
			})
			resp, err := newTestClient(t, tc.svc, s.URL).Do(bg(), &Request{Operation: "DescribeSecret", Method: "GET", Path: "/x"})
			assert.Equal(t, tc.calls, s.calls.Load())
			if tc.class == nil {
				require.NoError(t, err)
				assert.Equal(t, tc.answers[len(tc.answers)-1], string(resp.Body))
				return
			}
			require.ErrorIs(t, err, tc.class)
			var apiErr *signer.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 200, apiErr.StatusCode)
			assert.Equal(t, tc.code, apiErr.Code)
			assert.Equal(t, tc.svc.Name, apiErr.Service)
			assert.Equal(t, "DescribeSecret", apiErr.Operation)
			assert.Nil(t, resp)
		})
	}
}

// check is the one decision: a status outside 2xx is an error answer
// whatever the body; with the envelope, so is a 2xx that says
// "Success": false.
func TestCheck(t *testing.T) {
	plain := &Client{svc: kmsService}
	env := &Client{svc: saeService}
	body := []byte(`{"Code":"Throttling","Message":"m"}`)
	for status := 100; status < 600; status++ {
		for _, c := range []*Client{plain, env} {
			e := c.check(&Response{StatusCode: status, Header: http.Header{}, Body: body})
			if status >= 200 && status <= 299 {
				assert.Nil(t, e, "status %d", status)
				continue
			}
			require.NotNil(t, e, "status %d", status)
			assert.Equal(t, status, e.StatusCode)
			assert.Equal(t, "Throttling", e.Code)
		}
	}
	failed := []byte(`{"Success":false,"ErrorCode":"InternalError"}`)
	for _, status := range []int{200, 204, 299} {
		assert.Nil(t, plain.check(&Response{StatusCode: status, Header: http.Header{}, Body: failed}))
		e := env.check(&Response{StatusCode: status, Header: http.Header{}, Body: failed})
		require.NotNil(t, e)
		assert.Equal(t, status, e.StatusCode)
		assert.Equal(t, "InternalError", e.Code)
	}
}

func TestSuccessFalse(t *testing.T) {
	cases := []struct {
		body string
		want bool
	}{
		{`{"Success":false}`, true},
		{`{"Success":"False"}`, true},
		{` {"Success": false, "Data": 1} `, true},
		{`{"Success":true}`, false},
		{`{"Success":"yes"}`, false},
		{`{"Success":null}`, false},
		{`{}`, false},
		{`[{"Success":false}]`, false},
		{`{"Success":false`, false},
		{``, false},
		{`{"Success":""}`, true},
		{`{"Success":"FALSE"}`, true},
		{`{"success":false}`, true},
		{`{"Success":"falſe"}`, true},
		{`{"Success":true,"Data":{"Enabled":false,"Note":""}}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.body, func(t *testing.T) {
			assert.Equal(t, tc.want, successFalse([]byte(tc.body)))
		})
	}
}

// FuzzSuccessFalse checks that skipping the decode of a body without "" or
// "fal" never changes the answer: successFalse agrees with the decode alone.
func FuzzSuccessFalse(f *testing.F) {
	for _, s := range []string{`{"Success":false}`, `{"Success":""}`, `{"Success":"FaLsE"}`, `{"Success":true}`, `{"sUccess":"falſe"}`, `{"Success":0}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var env struct {
			Success *wire.Bool `json:"Success"`
		}
		want := json.Unmarshal(body, &env) == nil && env.Success != nil && !bool(*env.Success)
		assert.Equal(t, want, successFalse(body))
	})
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
				for range 80 { // 5 MiB > the 4 MiB limit
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
			require.ErrorIs(t, err, signer.ErrResponseTooLarge)
			assert.True(t, strings.HasPrefix(err.Error(), "kms GetSecretValue: HTTP 200: response body too large"), err.Error())
			assert.Equal(t, int32(1), s.calls.Load(), "not retried")
		})
	}
}

// A server that claims an absurd Content-Length gets a clean
// ErrResponseTooLarge, not a makeslice panic and not an attempt to
// allocate the claim.
func TestAbsurdContentLength(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_, _ = bufio.NewReader(conn).ReadString('\n')
				_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9000000000000000000\r\n\r\n{\"SecretName\":\"s\"}"))
			}()
		}
	}()
	c := newTestClient(t, kmsService, "http://"+ln.Addr().String(), func(o *Options) { o.RetryMaxAttempts = 1 })
	assert.NotPanics(t, func() {
		_, err = c.Do(bg(), getSecretRequest())
	})
	require.ErrorIs(t, err, signer.ErrResponseTooLarge)
	assert.Contains(t, err.Error(), "Content-Length 9000000000000000000 exceeds")
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
	assert.Equal(t, "unexpected response body (text/html): 502 Bad Gateway", apiErr.Message)
	assert.Less(t, len(err.Error()), 300, "never the whole page")
	assert.Equal(t, int32(3), s.calls.Load(), "a 5xx page is retried")
}

// A success document under an error status (a proxy replaying it) is never
// quoted: it may hold a secret value.
func TestSuccessDocumentUnderErrorStatusNotQuoted(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 403, `{"SecretName":"db","SecretData":"SUPERSECRET","RequestId":"B-1"}`)
	})
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	var apiErr *signer.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, err.Error(), "SUPERSECRET")
	assert.Equal(t, "kms GetSecretValue: a document with no Code or Message (64 bytes, application/json;charset=utf-8) (HTTP 403)", err.Error())
}

// A hostile or careless server echoes everything it got: the URL with the
// signature and token, the Authorization and token headers, the string to
// sign. None of it reaches an error, on any signing path, nor the debug log.
func TestErrorsNeverCarryCredentials(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		q.Del("Signature")
		sts := signer.RPCStringToSign(r.Method, signer.CanonicalQuery(q))
		msg, _ := json.Marshal("echo " + r.URL.String() + " auth=" + r.Header.Get("Authorization") + " token=" + r.Header.Get("x-acs-security-token") +
			" sig=" + r.URL.Query().Get("Signature") + " server string to sign is:" + sts)
		status := []int{400, 502, 403}[n%3]
		code := map[int]string{400: "SignatureDoesNotMatch", 502: "", 403: "Forbidden.NoPermission"}[status]
		writeJSON(w, status, `{"Code":"`+code+`","Message":`+string(msg)+`,"Recommend":`+string(msg)+`}`)
	})
	var logs bytes.Buffer
	logger := newDebugLogger(&logs)
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		for _, svc := range []Service{kmsService, saeService} {
			c := newTestClient(t, svc, s.URL, func(o *Options) {
				o.Credentials = signer.StaticCredentials(testAK, testSecret, testToken)
				o.SignatureVersion = v
				o.Logger = logger
			})
			for range 3 {
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

// A server that echoes the request's signature, raw and percent-encoded
// once and twice, in every string field of its error document and in its
// request-id header: none of it reaches the caller or the debug log, on
// any of the three signing paths.
func TestSignatureScrubbedFromErrorAnswers(t *testing.T) {
	sigs := make(chan string, 1)
	s := newServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		sig := sentSignature(r)
		sigs <- sig
		echo := "sig " + sig + " once " + signer.PercentEncode(sig) + " twice " + signer.PercentEncode(signer.PercentEncode(sig))
		doc, _ := json.Marshal(map[string]string{
			"Code": "Bad." + sig, "Message": echo, "RequestId": echo, "HostId": echo, "Recommend": echo, "TraceId": echo,
		})
		w.Header().Set("X-Acs-Request-Id", echo)
		writeJSON(w, 400, string(doc))
	})
	cases := []struct {
		name    string
		svc     Service
		version signer.Version
	}{
		{"rpc v1", kmsService, signer.V1},
		{"roa v1", saeService, signer.V1},
		{"acs3", kmsService, signer.V3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			c := newTestClient(t, tc.svc, s.URL, func(o *Options) {
				o.SignatureVersion, o.RetryMaxAttempts, o.Logger = tc.version, 1, newDebugLogger(&logs)
			})
			_, err := c.Do(bg(), &Request{Operation: "Op", Method: "GET", Path: "/p", Query: map[string][]string{"k": {"v"}}})
			sig := <-sigs
			require.GreaterOrEqual(t, len(sig), 6, "the server saw a signature long enough to be scrubbed")
			var apiErr *signer.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Contains(t, apiErr.Message, "[redacted]", "the echo came back")
			assert.Contains(t, logs.String(), "alisecret: attempt")
			for _, form := range []string{sig, signer.PercentEncode(sig), signer.PercentEncode(signer.PercentEncode(sig))} {
				assert.NotContains(t, err.Error(), form)
				assert.NotContains(t, logs.String(), form, "the debug log")
				for name, f := range map[string]string{"Code": apiErr.Code, "Message": apiErr.Message, "RequestID": apiErr.RequestID,
					"HostID": apiErr.HostID, "Recommend": apiErr.Recommend, "TraceID": apiErr.TraceID} {
					assert.NotContains(t, f, form, "field %s", name)
				}
			}
		})
	}
}

func TestSignatureOf(t *testing.T) {
	cases := []struct{ name, query, auth, want string }{
		{"rpc, last parameter", "Action=GetSecretValue&Signature=a%2Bb%2F%3D", "", "a+b/="},
		{"rpc, marker first", "&Signature=abcdef", "", "abcdef"},
		{"rpc wins over a header", "Signature=abcdef", "acs LTAIid:other", "abcdef"},
		{"roa v1", "SecretId=16", "acs LTAIid:c2lnbmF0dXJl", "c2lnbmF0dXJl"},
		{"acs3", "", "ACS3-HMAC-SHA256 Credential=LTAIid,SignedHeaders=host;x-acs-date,Signature=abcdef0123", "abcdef0123"},
		{"acs3 marker opens the value", "", "Signature=abcdef", "abcdef"},
		{"colon opens the value", "", ":sig", "sig"},
		{"no marker", "", "no marker", ""},
		{"nothing", "Action=x", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", "http://127.0.0.1/?"+tc.query, nil)
			require.NoError(t, err)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			assert.Equal(t, tc.want, signatureOf(req))
		})
	}
}

// The debug line of an attempt names the operation, attempt, status, the
// error code and the request id of the answer (the error document's when
// there is one), and the service.
func TestDebugLogNamesCodeAndRequestID(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Acs-Request-Id", "H-"+string(rune('0'+n)))
		if n == 1 {
			writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"m","RequestId":"B-1"}`)
			return
		}
		writeJSON(w, 200, `{"SecretName":"db"}`)
	})
	var logs bytes.Buffer
	clock := newFakeClock(time.Now())
	policy := clock.policy(retry.StandardOptions{Rand: func(n time.Duration) time.Duration { return n / 2 }})
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Logger, o.Retryer = newDebugLogger(&logs), policy })
	_, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)

	type line struct {
		Msg       string        `json:"msg"`
		Attempt   int           `json:"attempt"`
		Status    int           `json:"status"`
		Code      string        `json:"code"`
		RequestID string        `json:"request_id"`
		Service   string        `json:"service"`
		Operation string        `json:"operation"`
		Delay     time.Duration `json:"next_delay"`
		Latency   *int64        `json:"latency"`
	}
	var got []line
	dec := json.NewDecoder(&logs)
	for dec.More() {
		var l line
		require.NoError(t, dec.Decode(&l))
		if l.Msg == "alisecret: attempt" {
			require.NotNil(t, l.Latency, "latency is logged")
			l.Latency = nil
		}
		got = append(got, l)
	}
	assert.Equal(t, []line{
		{Msg: "alisecret: attempt", Attempt: 1, Status: 503, Code: "ServiceUnavailable", RequestID: "B-1", Service: "kms", Operation: "GetSecretValue", Delay: retry.FailureBackoff / 2},
		{Msg: "alisecret: attempt", Attempt: 2, Status: 200, Code: "", RequestID: "H-2", Service: "kms", Operation: "GetSecretValue"},
	}, got)
}

// A logger that does not take debug records is not handed any.
func TestDebugLogOnlyWhenEnabled(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, okBody) })
	var logs bytes.Buffer
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Logger = newInfoLogger(&logs) })
	_, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.Empty(t, logs.String())
}

// TestHungServerHonoursDeadline: a context deadline ends a call whose
// server never answers, with an error that names the endpoint it waited on.
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
		assert.Contains(t, err.Error(), s.URL)
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

// The attempt's context bounds the reading of the body too.
func TestAttemptTimeoutBoundsTheBody(t *testing.T) {
	release := make(chan struct{})
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(200)
			_, _ = w.Write([]byte(`{"RequestId":`))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		writeJSON(w, 200, okBody)
	})
	defer close(release)
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.AttemptTimeout = 50 * time.Millisecond; o.HTTPClient = &http.Client{} })
	resp, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)
	assert.JSONEq(t, okBody, string(resp.Body))
	assert.Equal(t, int32(2), s.calls.Load())
}

// TestBodyReadErrorIsATransportError: a body cut short is retried; when
// attempts run out the error says what failed and where, without the query.
func TestBodyReadErrorIsATransportError(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(200)
		_, _ = w.Write([]byte(`{"RequestId":`))
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	})
	_, err := newTestClient(t, kmsService, s.URL).Do(bg(), getSecretRequest())
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Contains(t, err.Error(), "kms GetSecretValue: POST "+s.URL+"/ (attempt 3): reading response body: ")
	assert.NotContains(t, err.Error(), "Signature")
	assert.Equal(t, int32(3), s.calls.Load())
}
