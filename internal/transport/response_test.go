package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

func header(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestDecodeError(t *testing.T) {
	xmlError := `<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>X-1</RequestId><Code>IllegalTimestamp</Code><Message>bad time</Message></Error>`
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
		{"body request id wins over the header", 404, header("X-Acs-Request-Id", "H-1"), `{"Code":"C","RequestId":"B-1"}`,
			signer.APIError{StatusCode: 404, Code: "C", RequestID: "B-1"}},
		{"header request id when the body has none", 404, header("X-Acs-Request-Id", "H-1"), `{"Code":"C"}`,
			signer.APIError{StatusCode: 404, Code: "C", RequestID: "H-1"}},
		{"sae envelope", 400, nil,
			`{"RequestId":"S-1","Code":"400","ErrorCode":"InvalidSecretId.NotFound","Message":"The specified secret does not exist.","Success":false,"TraceId":"ac1a0b2c"}`,
			signer.APIError{StatusCode: 400, Code: "InvalidSecretId.NotFound", Message: "The specified secret does not exist.", RequestID: "S-1", TraceID: "ac1a0b2c"}},
		{"sae envelope under 200", 200, nil, `{"Success":false,"Code":"200","ErrorCode":"Throttling","Message":"slow"}`,
			signer.APIError{StatusCode: 200, Code: "Throttling", Message: "slow"}},
		{"sae numeric code only", 500, nil, `{"Code":500,"Message":"boom","Success":false}`,
			signer.APIError{StatusCode: 500, Message: "boom"}},
		{"code only", 500, nil, `{"Code":"InternalError"}`,
			signer.APIError{StatusCode: 500, Code: "InternalError"}},
		{"message only", 500, nil, `{"Message":"boom"}`,
			signer.APIError{StatusCode: 500, Message: "boom"}},
		{"white space around", 500, nil, " \n\t{\"Code\":\"InternalError\"}\n",
			signer.APIError{StatusCode: 500, Code: "InternalError"}},
		{"invalid UTF-8 in a field", 500, nil, "{\"Code\":\"C\",\"Message\":\"bad \xff byte\"}",
			signer.APIError{StatusCode: 500, Code: "C", Message: "bad \ufffd byte"}},
		{"html page, request id header", 503, header("Content-Type", "text/html", "X-Acs-Request-Id", "H-1"),
			"<html><head><title>503 Service Temporarily Unavailable</title></head><body>x</body></html>",
			signer.APIError{StatusCode: 503, Message: "unexpected response body (text/html): 503 Service Temporarily Unavailable", RequestID: "H-1"}},
		{"empty body", 502, header("Content-Type", "text/plain"), "",
			signer.APIError{StatusCode: 502, Message: "empty response body (text/plain)"}},
		{"blank body, no content type", 502, nil, " \r\n ",
			signer.APIError{StatusCode: 502, Message: "empty response body (no Content-Type)"}},
		{"truncated json", 500, nil, `{"Code":"Internal`,
			signer.APIError{StatusCode: 500, Message: `a document that does not parse (17 bytes, no Content-Type)`}},
		{"json without code", 400, nil, `{"foo":1}`,
			signer.APIError{StatusCode: 400, Message: `a document with no Code or Message (9 bytes, no Content-Type)`}},
		{"success document under 502", 502, header("Content-Type", "application/json;charset=utf-8", "X-Acs-Request-Id", "P-1"),
			`{"SecretName":"db","SecretData":"SUPERSECRET","RequestId":"B-1"}`,
			signer.APIError{StatusCode: 502, Message: `a document with no Code or Message (64 bytes, application/json;charset=utf-8)`, RequestID: "P-1"}},
		{"xml error document: described, not quoted", 400, nil, xmlError,
			signer.APIError{StatusCode: 400, Message: `a document that does not parse (135 bytes, no Content-Type)`}},
		{"xml without code", 500, nil, `<?xml version="1.0"?><Error><Other>SUPERSECRET</Other></Error>`,
			signer.APIError{StatusCode: 500, Message: `a document that does not parse (62 bytes, no Content-Type)`}},
		{"bare xml error", 500, nil, `<Error><Code>SUPERSECRET</Code></Error>`,
			signer.APIError{StatusCode: 500, Message: `a document that does not parse (39 bytes, no Content-Type)`}},
		{"json array never quoted", 502, header("Content-Type", "application/json"), `[{"SecretData":"SUPERSECRET"}]`,
			signer.APIError{StatusCode: 502, Message: "a document that does not parse (30 bytes, application/json)"}},
		{"plain text", 500, header("Content-Type", "text/plain"), "upstream connect error",
			signer.APIError{StatusCode: 500, Message: `unexpected response body (text/plain): upstream connect error`}},
		{"json scalar", 500, nil, `null`,
			signer.APIError{StatusCode: 500, Message: `unexpected response body (no Content-Type): null`}},
		{"object where text expected", 403, nil, `{"Code":"Forbidden.RAM","Message":"denied","AccessDeniedDetail":{"x":1},"RequestId":{"a":1}}`,
			signer.APIError{StatusCode: 403, Code: "Forbidden.RAM", Message: "denied"}},
		{"array where text expected", 403, nil, `{"Code":["x"],"Message":"denied"}`,
			signer.APIError{StatusCode: 403, Message: "denied"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.h
			if h == nil {
				h = http.Header{}
			}
			got := DecodeError(tc.status, h, []byte(tc.body))
			assert.Equal(t, tc.want, *got)
			assert.NotContains(t, got.Error(), "SUPERSECRET")
		})
	}
}

// Code "429" (with a '9') is a status echo, not an error code; SAE's
// ErrorCode wins over Code.
func TestErrorBodyCode(t *testing.T) {
	cases := []struct {
		name string
		doc  errorBody
		want string
	}{
		{"status echo with a 9", errorBody{Code: "429"}, ""},
		{"status echo 200", errorBody{Code: "200"}, ""},
		{"status echo 0", errorBody{Code: "0"}, ""},
		{"named code", errorBody{Code: "Throttling"}, "Throttling"},
		{"digits then a letter", errorBody{Code: "4a"}, "4a"},
		{"ErrorCode wins", errorBody{Code: "Throttling", ErrorCode: "Rejected.Throttling"}, "Rejected.Throttling"},
		{"ErrorCode over a status echo", errorBody{Code: "400", ErrorCode: "InvalidSecretId.NotFound"}, "InvalidSecretId.NotFound"},
		{"none", errorBody{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.doc.code())
		})
	}
}

// What comes back instead of an error document is described in one clean
// line: the title of a page (found at any offset and in any case, empty
// titles ignored), invalid bytes dropped, white space collapsed.
func TestDecodeErrorDescribesOtherBodies(t *testing.T) {
	cases := []struct {
		name string
		ct   string
		body string
		want string
	}{
		{"title at offset 0, body ends with the close tag", "text/html", "<title>504 Gateway Timeout</title>",
			"unexpected response body (text/html): 504 Gateway Timeout"},
		{"upper-case tags", "text/html", "<HTML><HEAD><TITLE>502 Bad Gateway</TITLE></HEAD><BODY>x</BODY></HTML>",
			"unexpected response body (text/html): 502 Bad Gateway"},
		{"mixed-case tags", "text/html", "<TiTlE>Down</tItLe>",
			"unexpected response body (text/html): Down"},
		{"unclosed title: the rest", "text/html", "<title>Down for maintenance",
			"unexpected response body (text/html): Down for maintenance"},
		{"empty title: the text instead", "text/html", "<html><title></title>upstream down</html>",
			"unexpected response body (text/html): <html><title></title>upstream down</html>"},
		{"blank title: the text instead", "text/html", "<title> \n </title>x",
			"unexpected response body (text/html): <title> </title>x"},
		{"title with spaces around", "text/html", "<html><title>\n  503  Service\tUnavailable \n</title></html>",
			"unexpected response body (text/html): 503 Service Unavailable"},
		{"invalid byte before the title", "text/html", "\xff<title>T</title>",
			"unexpected response body (text/html): T"},
		{"non-ASCII before the title", "text/html", "Ünïcödé <TITLE>T</TITLE>",
			"unexpected response body (text/html): T"},
		{"invalid bytes dropped, and U+FFFD with them", "text/plain", "up\xffstream \xef\xbf\xbd down",
			"unexpected response body (text/plain): upstream down"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := DecodeError(502, header("Content-Type", tc.ct), []byte(tc.body))
			assert.Equal(t, tc.want, e.Message)
			assert.Empty(t, e.Code)
		})
	}
}

func TestDescribeBodyIsShort(t *testing.T) {
	body := bytes.Repeat([]byte("ab\x00\t\n c "), 1000)
	msg := describeBody("text/plain", body)
	prefix := "unexpected response body (text/plain): "
	require.True(t, strings.HasPrefix(msg, prefix), msg)
	n := utf8.RuneCountInString(strings.TrimPrefix(msg, prefix))
	assert.LessOrEqual(t, n, snippetRunes+1, "the snippet is cut at the limit, plus an ellipsis")
	assert.GreaterOrEqual(t, n, snippetRunes-1)
	assert.True(t, strings.HasSuffix(msg, "…"))
	assert.NotContains(t, msg, "\x00")
	assert.NotContains(t, msg, "\n")
}

func TestSnippet(t *testing.T) {
	cases := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"exactly max fits, no ellipsis", "abc", 3, "abc"},
		{"one over max is cut", "abcd", 3, "abc…"},
		{"trailing space is not more text", "abc  \n", 3, "abc"},
		{"leading space dropped, inner collapsed", "  a \t\n b  ", 10, "a b"},
		{"a space counts towards max", "ab cd", 4, "ab c…"},
		{"space at the cut is not written", "abc d", 3, "abc…"},
		{"controls dropped", "a\x00b\x7fc", 10, "abc"},
		{"runes, not bytes", "ééééé", 4, "éééé…"},
		{"only the first 4096 bytes are looked at", strings.Repeat("a", 4096) + "b", 5000, strings.Repeat("a", 4096) + "…"},
		{"exactly 4096 bytes is whole", strings.Repeat("a", 4096), 5000, strings.Repeat("a", 4096)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, snippet([]byte(tc.in), tc.max))
		})
	}
}

// The title is matched without regard to ASCII case and cut from the body
// byte for byte, whatever bytes (invalid, non-ASCII) come before or inside.
func TestHTMLTitleCaseAndBytes(t *testing.T) {
	assert.Equal(t, "T\xff\xc3\x9cAZ", string(htmlTitle([]byte("@AZ[`az{ \xff\xc3\x9c<TiTlE>T\xff\xc3\x9cAZ</tItLe>"))), "only A..Z fold, byte for byte")
	assert.Nil(t, htmlTitle(nil))
}

func TestHTMLTitle(t *testing.T) {
	assert.Nil(t, htmlTitle([]byte("no title here")))
	assert.Equal(t, "T", string(htmlTitle([]byte("<TITLE>T</TITLE>rest"))))
	assert.Equal(t, "T", string(htmlTitle([]byte("x<title>T</title>"))))
	assert.Equal(t, "T<b>", string(htmlTitle([]byte("<title>T<b>"))), "no close tag: the rest")
}

func TestDescribeDocument(t *testing.T) {
	assert.Equal(t, "what (12 bytes, text/plain)", DescribeDocument("text/plain", 12, "what"))
	assert.Equal(t, "what (0 bytes, no Content-Type)", DescribeDocument("", 0, "what"))
}

// A success answer that is not the operation's document is described,
// never quoted: it may hold a secret value.
func TestNotDocument(t *testing.T) {
	resp := &Response{StatusCode: 200, Header: header("Content-Type", "application/json", "X-Acs-Request-Id", "R-1"), Body: []byte(`{"SecretData":"SUPERSECRET"}`)}
	e := NotDocument("kms", "GetSecretValue", resp, "no SecretName")
	assert.Equal(t, signer.APIError{
		Service: "kms", Operation: "GetSecretValue", StatusCode: 200, RequestID: "R-1",
		Message: "decoding the response: not a GetSecretValue document: no SecretName (28 bytes, application/json)",
	}, *e)
	assert.NotContains(t, e.Error(), "SUPERSECRET")
	assert.Nil(t, e.Class(), "no class: not an answer the service meant as an error")
}

// A gateway's error document cannot make an error of megabytes: every field
// is cut at its limit, at a rune boundary, and marked.
func TestDecodeErrorBoundsEveryField(t *testing.T) {
	long := strings.Repeat("é", maxMessageBytes) // two bytes a rune: the cut falls inside one
	body, err := json.Marshal(map[string]string{"Code": long, "Message": long, "RequestId": long, "HostId": long, "Recommend": long, "TraceId": long})
	require.NoError(t, err)
	e := DecodeError(500, http.Header{}, body)
	for name, got := range map[string]string{"Code": e.Code, "RequestID": e.RequestID, "HostID": e.HostID, "Recommend": e.Recommend, "TraceID": e.TraceID} {
		assert.Equal(t, long[:maxFieldBytes]+"…", got, name)
	}
	assert.Equal(t, long[:maxMessageBytes]+"…", e.Message)
	assert.True(t, utf8.ValidString(e.Error()))

	exact := strings.Repeat("m", maxMessageBytes)
	e = DecodeError(500, http.Header{}, []byte(`{"Code":"C","Message":"`+exact+`"}`))
	assert.Equal(t, exact, e.Message, "a message at the limit is whole")
	odd := "a" + strings.Repeat("é", maxFieldBytes)
	assert.Equal(t, odd[:maxFieldBytes-1]+"…", bounded(odd, maxFieldBytes), "a cut inside a rune moves back to its start")
	fits := strings.Repeat("f", maxFieldBytes)
	assert.Equal(t, fits, bounded(fits, maxFieldBytes))
	assert.Equal(t, fits[:maxFieldBytes]+"…", bounded(fits+"g", maxFieldBytes))
	// Not from JSON (which makes bytes that start no rune into U+FFFD), but
	// bounded must not run off the front of a string with no rune start.
	assert.Equal(t, "…", bounded(strings.Repeat("\x80", maxFieldBytes+1), maxFieldBytes))
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
		e := DecodeError(status, h, body)
		require.NotNil(t, e)
		require.Equal(t, status, e.StatusCode)
		require.NotEmpty(t, e.Message+e.Code)
		// Bounded by the body (each byte at most a three-byte U+FFFD) and,
		// whatever the body, by the field limits.
		require.Less(t, len(e.Error()), min(3*len(body), maxMessageBytes+5*maxFieldBytes+20)+len(ct)+400)
	})
}

// endless yields chunk bytes per Read forever, counting them.
type endless struct{ chunk, read int }

func (e *endless) Read(p []byte) (int, error) {
	n := min(len(p), e.chunk)
	e.read += n
	return n, nil
}

// failing yields its data, then err.
type failing struct {
	data []byte
	err  error
}

func (f *failing) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadBody(t *testing.T) {
	const limit = 64
	cases := []struct {
		name          string
		body          string
		contentLength int64
		tooLarge      string // the error's text, when refused
	}{
		{"no length", `{"a":1}`, -1, ""},
		{"announced length", `{"a":1}`, 7, ""},
		{"a length that overstates: read what comes", `{"a":1}`, limit, ""},
		{"empty", ``, 0, ""},
		{"exactly the limit, no length", strings.Repeat("z", limit), -1, ""},
		{"exactly the limit, announced", strings.Repeat("z", limit), limit, ""},
		{"one over the limit, no length", strings.Repeat("z", limit+1), -1, "response body too large: body exceeds the 64-byte limit"},
		{"one over the limit, announced", strings.Repeat("z", limit+1), limit + 1, "response body too large: Content-Length 65 exceeds the 64-byte limit"},
		{"absurd length", `{"a":1}`, 9000000000000000000, "response body too large: Content-Length 9000000000000000000 exceeds the 64-byte limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := readBody(strings.NewReader(tc.body), tc.contentLength, limit)
			if tc.tooLarge != "" {
				require.ErrorIs(t, err, signer.ErrResponseTooLarge)
				assert.Equal(t, tc.tooLarge, err.Error())
				assert.Nil(t, body)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.body, string(body))
		})
	}
}

func TestReadBodyStopsAtTheLimit(t *testing.T) {
	const limit = 100 << 10
	r := &endless{chunk: 1 << 10}
	_, err := readBody(r, -1, limit)
	require.ErrorIs(t, err, signer.ErrResponseTooLarge)
	assert.Equal(t, limit+1, r.read, "one byte past the limit is read to tell, and no more")

	r = &endless{chunk: 1 << 10}
	_, err = readBody(r, limit+1, limit)
	require.ErrorIs(t, err, signer.ErrResponseTooLarge)
	assert.Zero(t, r.read, "a Content-Length over the limit is refused before reading")
}

func TestReadBodyKeepsTheReadError(t *testing.T) {
	boom := errors.New("connection reset")
	body, err := readBody(&failing{data: []byte(`{"a"`), err: boom}, -1, 64)
	require.ErrorIs(t, err, boom)
	assert.Equal(t, `{"a"`, string(body))
}
