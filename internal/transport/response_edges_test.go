package transport

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// allDigits decides whether Code is SAE's echo of the HTTP status; every
// digit counts, and the bytes either side of '0'..'9' do not.
func TestAllDigits(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"", true}, {"0123456789", true}, {"9", true}, {"0", true},
		{"/", false}, {":", false}, {"40/", false}, {"4:0", false}, {"4a", false},
	}
	for _, tc := range cases {
		t.Run(tc.s, func(t *testing.T) {
			assert.Equal(t, tc.want, allDigits(tc.s))
		})
	}
}

// Code "429" (with a '9') is a status echo, not an error code; SAE's
// ErrorCode wins over Code.
func TestErrorCodePicksTheRealCode(t *testing.T) {
	cases := []struct {
		name string
		doc  errorBody
		want string
	}{
		{"status echo with a 9", errorBody{Code: "429"}, ""},
		{"status echo 200", errorBody{Code: "200"}, ""},
		{"named code", errorBody{Code: "Throttling"}, "Throttling"},
		{"ErrorCode wins", errorBody{Code: "Throttling", ErrorCode: "Rejected.Throttling"}, "Rejected.Throttling"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.doc.errorCode())
		})
	}
}

// What comes back instead of an error document is described in one clean
// line: the title of a page (found at any offset and in any case, empty
// titles ignored), invalid bytes dropped, white space collapsed, a JSON
// array never quoted.
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
		{"empty title: the text instead", "text/html", "<html><title></title>upstream down</html>",
			"unexpected response body (text/html): <html><title></title>upstream down</html>"},
		{"title with spaces around", "text/html", "<html><title>\n  503  Service\tUnavailable \n</title></html>",
			"unexpected response body (text/html): 503 Service Unavailable"},
		{"invalid bytes dropped, real U+FFFD kept", "text/plain", "up\xffstream \xef\xbf\xbd down",
			"unexpected response body (text/plain): upstream \ufffd down"},
		{"json array never quoted", "application/json", `[{"SecretData":"SUPERSECRET"}]`,
			"a document that does not parse (30 bytes, application/json)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			h.Set("Content-Type", tc.ct)
			e := DecodeError("kms", "Op", 502, h, []byte(tc.body))
			assert.Equal(t, tc.want, e.Message)
			assert.Empty(t, e.Code)
		})
	}
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
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, snippet([]byte(tc.in), tc.max))
		})
	}
}

func TestIndexASCIIFold(t *testing.T) {
	cases := []struct {
		b    string
		pat  string
		want int
	}{
		{"<title>", "<title>", 0},
		{"x</TITLE>", "</title>", 1},
		{"x</TITLE", "</title>", -1},
		{"<TiTlE>", "<title>", 0},
		{"", "<title>", -1},
		{"\xff<title>", "<title>", 1},
	}
	for _, tc := range cases {
		t.Run(tc.b, func(t *testing.T) {
			assert.Equal(t, tc.want, indexASCIIFold([]byte(tc.b), tc.pat))
		})
	}
}

// Values of minRedactLen bytes or more are redacted; shorter ones are not
// searched for.
func TestRedactorMinimumLength(t *testing.T) {
	six := strings.Repeat("k", minRedactLen)
	five := strings.Repeat("q", minRedactLen-1)
	rd := redactor{secrets: [3]string{six, five, ""}}
	assert.Equal(t, "a [redacted] b qqqqq", rd.apply("a "+six+" b "+five))
	assert.Equal(t, "", rd.apply(""))
}

// The first buffer is sized from a Content-Length within the cap (plus one
// byte to see EOF without growing), and a body of exactly the limit with an
// announced length of exactly the limit is accepted.
func TestReadBodySizing(t *testing.T) {
	cases := []struct {
		name    string
		cl      int64
		body    string
		wantCap int
	}{
		{"announced length", 7, "{\"a\":1}", 8},
		{"announced empty", 0, "", 1},
		{"no length", -1, "{\"a\":1}", 512},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, err := readBody(strings.NewReader(tc.body), tc.cl, MaxResponseBytes)
			require.NoError(t, err)
			assert.Equal(t, tc.body, string(body))
			assert.Equal(t, tc.wantCap, cap(body), "the first buffer, never grown")
		})
	}
	const limit = 64
	body, err := readBody(strings.NewReader(strings.Repeat("z", limit)), limit, limit)
	require.NoError(t, err, "an announced length of exactly the limit is accepted")
	assert.Len(t, body, limit)
}
