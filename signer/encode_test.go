package signer

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Expected encodings written by hand from the documented rule: only
// A-Z a-z 0-9 - _ . ~ stay literal, upper-case hex, space %20.
func TestPercentEncode(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"AZaz09-_.~", "AZaz09-_.~"},
		{" ", "%20"},
		{"*", "%2A"},
		{"~", "~"},
		{"+", "%2B"},
		{"/", "%2F"},
		{":", "%3A"},
		{"=&%", "%3D%26%25"},
		{`"!'()`, "%22%21%27%28%29"},
		{"α", "%CE%B1"},
		{"密钥", "%E5%AF%86%E9%92%A5"},
		{"my secret/α*~", "my%20secret%2F%CE%B1%2A~"},
		{"\x00\xff", "%00%FF"},
		{"2016-02-23T12:46:24Z", "2016-02-23T12%3A46%3A24Z"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, PercentEncode(tc.in), "PercentEncode(%q)", tc.in)
	}
}

// Our own cases for the canonical query: non-ASCII, space, *, ~, +, /, :
// and empty values, checked against hand-written canonical strings.
func TestCanonicalQuerySpecialCharacters(t *testing.T) {
	q := url.Values{
		"SecretName":   {"a b*c~d+e/f:g"},
		"Empty":        {""},
		"Unicode":      {"秘密"},
		"VersionStage": {"ACSCurrent"},
	}
	assert.Equal(t,
		"Empty=&SecretName=a%20b%2Ac~d%2Be%2Ff%3Ag&Unicode=%E7%A7%98%E5%AF%86&VersionStage=ACSCurrent",
		CanonicalQuery(q))
	assert.Equal(t, "", CanonicalQuery(nil))
	// Repeated keys keep their order.
	assert.Equal(t, "a=2&a=1&b=", CanonicalQuery(url.Values{"b": {""}, "a": {"2", "1"}}))

	// ROA resource: raw values, a key alone for an empty value.
	assert.Equal(t, "/p?Empty&SecretName=a b*c~d+e/f:g&Unicode=秘密&VersionStage=ACSCurrent", ROACanonicalResource("/p", q))
}

// referenceEncode is the simplest byte-wise statement of the rule.
func referenceEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func FuzzPercentEncode(f *testing.F) {
	for _, s := range []string{"", "abc", "a b", "*~+/:", "α", "\x00\xff", "%41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := PercentEncode(s)
		require.Equal(t, referenceEncode(s), got)
		// The encoding is reversible by a standard decoder.
		back, err := url.PathUnescape(got)
		require.NoError(t, err)
		require.Equal(t, s, back)
		if utf8.ValidString(s) {
			require.True(t, utf8.ValidString(got))
		}
	})
}

// The canonical query must equal what the official Go SDKs build
// (url.Values.Encode, then + -> %20, * -> %2A, %7E -> ~) for every input.
func FuzzCanonicalQuery(f *testing.F) {
	f.Add("SecretName", "my secret/α*~", "VersionStage", "")
	f.Add("a", "+", "b", "%")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		q := url.Values{}
		q.Add(k1, v1)
		q.Add(k2, v2)
		ref := strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~").Replace(q.Encode())
		require.Equal(t, ref, CanonicalQuery(q))
	})
}
