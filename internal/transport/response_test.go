package transport

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

func TestDecodeError(t *testing.T) {
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	cases := []struct {
		name   string
		status int
		h      http.Header
		body   string
		want   signer.APIError
	}{
		{"rpc gateway", 404, nil,
			`{"RequestId":"7A-1","HostId":"kms.cn-hangzhou.aliyuncs.com","Code":"Forbidden.ResourceNotFound","Message":"Resource not found","Recommend":"https://api.aliyun.com/troubleshoot?q=Forbidden.ResourceNotFound"}`,
			signer.APIError{StatusCode: 404, Code: "Forbidden.ResourceNotFound", Message: "Resource not found", RequestID: "7A-1", HostID: "kms.cn-hangzhou.aliyuncs.com", Recommend: "https://api.aliyun.com/troubleshoot?q=Forbidden.ResourceNotFound"}},
		{"sae envelope", 400, nil,
			`{"RequestId":"S-1","Code":"400","ErrorCode":"InvalidSecretId.NotFound","Message":"The specified secret does not exist.","Success":false,"TraceId":"ac1a0b2c"}`,
			signer.APIError{StatusCode: 400, Code: "InvalidSecretId.NotFound", Message: "The specified secret does not exist.", RequestID: "S-1", TraceID: "ac1a0b2c"}},
		{"sae numeric code only", 500, nil, `{"Code":500,"Message":"boom","Success":false}`,
			signer.APIError{StatusCode: 500, Message: "boom"}},
		{"xml error", 400, nil,
			`<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>X-1</RequestId><HostId>kms.x</HostId><Code>IllegalTimestamp</Code><Message>bad time</Message></Error>`,
			signer.APIError{StatusCode: 400, Code: "IllegalTimestamp", Message: "bad time", RequestID: "X-1", HostID: "kms.x"}},
		{"html page, request id header", 503, hdr("Content-Type", "text/html", "X-Acs-Request-Id", "H-1"),
			"<html><head><title>503 Service Temporarily Unavailable</title></head><body>x</body></html>",
			signer.APIError{StatusCode: 503, Message: "unexpected response body (text/html): 503 Service Temporarily Unavailable", RequestID: "H-1"}},
		{"empty body", 502, hdr("Content-Type", "text/plain"), "",
			signer.APIError{StatusCode: 502, Message: "empty response body (text/plain)"}},
		{"truncated json", 500, nil, `{"Code":"Internal`,
			signer.APIError{StatusCode: 500, Message: `a document that does not parse (17 bytes, no Content-Type)`}},
		{"json without code", 400, nil, `{"foo":1}`,
			signer.APIError{StatusCode: 400, Message: `a document with no Code or Message (9 bytes, no Content-Type)`}},
		{"success document under 502", 502, hdr("Content-Type", "application/json;charset=utf-8", "X-Acs-Request-Id", "P-1"),
			`{"SecretName":"db","SecretData":"SUPERSECRET","RequestId":"B-1"}`,
			signer.APIError{StatusCode: 502, Message: `a document with no Code or Message (64 bytes, application/json;charset=utf-8)`, RequestID: "P-1"}},
		{"xml without code", 500, nil, `<?xml version="1.0"?><Error><Other>SUPERSECRET</Other></Error>`,
			signer.APIError{StatusCode: 500, Message: `a document with no Code or Message (62 bytes, no Content-Type)`}},
		{"plain text", 500, hdr("Content-Type", "text/plain"), "upstream connect error",
			signer.APIError{StatusCode: 500, Message: `unexpected response body (text/plain): upstream connect error`}},
		{"object where text expected", 403, nil, `{"Code":"Forbidden.RAM","Message":"denied","AccessDeniedDetail":{"x":1},"RequestId":{"a":1}}`,
			signer.APIError{StatusCode: 403, Code: "Forbidden.RAM", Message: "denied"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h
			if h == nil {
				h = http.Header{}
			}
			got := DecodeError("kms", "Op", tc.status, h, []byte(tc.body))
			tc.want.Service, tc.want.Operation = "kms", "Op"
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestDescribeBodyIsShort(t *testing.T) {
	body := bytes.Repeat([]byte("ab\x00\t\n c "), 1000)
	msg := describeBody("text/plain", body)
	prefix := "unexpected response body (text/plain): "
	require.True(t, strings.HasPrefix(msg, prefix), msg)
	n := len([]rune(strings.TrimPrefix(msg, prefix)))
	assert.LessOrEqual(t, n, snippetLimit+1, "the snippet is cut at the limit, plus an ellipsis")
	assert.GreaterOrEqual(t, n, snippetLimit-1)
	assert.True(t, strings.HasSuffix(msg, "…"))
	assert.NotContains(t, msg, "\x00")
	assert.NotContains(t, msg, "\n")
}

func TestCheckStatus(t *testing.T) {
	for status := 100; status < 600; status++ {
		e := CheckStatus(status, http.Header{}, []byte(`{"Code":"Throttling","Message":"m"}`))
		if status >= 200 && status <= 299 {
			assert.Nil(t, e, "status %d", status)
			continue
		}
		require.NotNil(t, e, "status %d", status)
		assert.Equal(t, status, e.StatusCode)
		assert.Equal(t, "Throttling", e.Code)
	}
}

// Every string field of APIError that can hold text from the network is
// scrubbed: a field added to APIError and forgotten in scrub fails here.
func TestScrubCoversEveryStringField(t *testing.T) {
	const secret, token, sig = "the-secret-value", "the-token-value", "the+signature/value="
	rd := redactor{secrets: [3]string{secret, token, sig}}
	for _, leak := range []string{secret, token, sig, signer.PercentEncode(sig), signer.PercentEncode(signer.PercentEncode(sig))} {
		var e signer.APIError
		v := reflect.ValueOf(&e).Elem()
		for i := 0; i < v.NumField(); i++ {
			if f := v.Field(i); f.Kind() == reflect.String {
				f.SetString("x " + leak + " y")
			}
		}
		rd.scrub(&e)
		for i := 0; i < v.NumField(); i++ {
			name := v.Type().Field(i).Name
			if name == "Service" || name == "Operation" { // set by the client, never from the network
				continue
			}
			if f := v.Field(i); f.Kind() == reflect.String {
				assert.Equal(t, "x [redacted] y", f.String(), "field %s", name)
			}
		}
	}
}

func TestRedactorForms(t *testing.T) {
	rd := redactor{secrets: [3]string{"sec/ret+1", "tok en=", "ab"}}
	in := "raw sec/ret+1 once sec%2Fret%2B1 twice sec%252Fret%252B1 tok en= tok%20en%3D short ab"
	out := rd.apply(in)
	assert.Equal(t, "raw [redacted] once [redacted] twice [redacted] [redacted] [redacted] short ab", out)
}

func FuzzDecodeError(f *testing.F) {
	for _, s := range []string{
		`{"Code":"Forbidden.ResourceNotFound","Message":"m","RequestId":"r"}`,
		`{"Success":false,"ErrorCode":"InvalidSecretId.NotFound","Code":"400"}`,
		`<Error><Code>c</Code></Error>`, `<html><title>t</title></html>`, ``, `{`, `null`, `[]`, `"x"`,
	} {
		f.Add(500, "application/json", []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		h := http.Header{}
		h.Set("Content-Type", ct)
		e := DecodeError("kms", "Op", status, h, body)
		require.NotNil(t, e)
		require.Equal(t, status, e.StatusCode)
		require.NotEmpty(t, e.Message+e.Code)
		// Bounded by the body (each byte at most a three-byte U+FFFD) and,
		// whatever the body, by the field limits.
		require.Less(t, len(e.Error()), min(3*len(body), maxMessageBytes+5*maxFieldBytes+20)+len(ct)+400)
	})
}

// A gateway's error document cannot make an error of megabytes: every field
// is cut at its limit, at a rune boundary, and marked.
func TestDecodeErrorBoundsEveryField(t *testing.T) {
	long := strings.Repeat("é", maxMessageBytes) // two bytes a rune: the cut falls inside one
	body, err := json.Marshal(map[string]string{"Code": long, "Message": long, "RequestId": long, "HostId": long, "Recommend": long, "TraceId": long})
	require.NoError(t, err)
	e := DecodeError("kms", "Op", 500, http.Header{}, body)
	for name, got := range map[string]string{"Code": e.Code, "RequestID": e.RequestID, "HostID": e.HostID, "Recommend": e.Recommend, "TraceID": e.TraceID} {
		assert.Equal(t, long[:maxFieldBytes]+"…", got, name)
	}
	assert.Equal(t, long[:maxMessageBytes]+"…", e.Message)
	assert.True(t, utf8.ValidString(e.Error()))

	exact := strings.Repeat("m", maxMessageBytes)
	e = DecodeError("kms", "Op", 500, http.Header{}, []byte(`{"Code":"C","Message":"`+exact+`"}`))
	assert.Equal(t, exact, e.Message, "a message at the limit is whole")
	odd := "a" + strings.Repeat("é", maxFieldBytes)
	assert.Equal(t, odd[:maxFieldBytes-1]+"…", bounded(odd, maxFieldBytes), "a cut inside a rune moves back to its start")
	// Not from JSON (which makes bytes that start no rune into U+FFFD), but
	// bounded must not run off the front of a string with no rune start.
	assert.Equal(t, "…", bounded(strings.Repeat("\x80", maxFieldBytes+1), maxFieldBytes))
}

// endless yields chunk bytes per Read forever, counting them.
type endless struct{ chunk, read int }

func (e *endless) Read(p []byte) (int, error) {
	n := min(len(p), e.chunk)
	e.read += n
	return n, nil
}

// A Content-Length is a claim: it sizes at most a small first buffer, so a
// huge one (under the limit check or not) cannot make the client allocate
// it, let alone panic in makeslice.
func TestReadBodyDoesNotTrustContentLength(t *testing.T) {
	cases := []struct {
		name          string
		contentLength int64
		limit         int64
		wantErr       bool
	}{
		{"absurd, over the limit", 9000000000000000000, MaxResponseBytes, true},
		{"absurd, limit disabled", 9000000000000000000, 1<<63 - 1, false},
		{"large, under the limit", 1 << 30, 1 << 31, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			var err error
			allocated := testing.AllocsPerRun(1, func() {
				body, err = readBody(strings.NewReader(`{"a":1}`), tc.contentLength, tc.limit)
			})
			if tc.wantErr {
				require.ErrorIs(t, err, signer.ErrResponseTooLarge)
				assert.Contains(t, err.Error(), "Content-Length 9000000000000000000")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, `{"a":1}`, string(body))
			assert.LessOrEqual(t, cap(body), initialBodyBuffer, "the first buffer is not sized from the claim")
			assert.LessOrEqual(t, allocated, 2.0)
		})
	}
}

func TestReadBodyStopsAtTheLimit(t *testing.T) {
	const limit = 100 << 10
	r := &endless{chunk: 1 << 10}
	_, err := readBody(r, -1, limit)
	require.ErrorIs(t, err, signer.ErrResponseTooLarge)
	assert.LessOrEqual(t, r.read, limit+r.chunk, "reading stops within one read of the limit, whatever the buffer's capacity")
	body, err := readBody(strings.NewReader(strings.Repeat("y", limit)), -1, limit)
	require.NoError(t, err, "exactly the limit is accepted")
	assert.Len(t, body, limit)
}
