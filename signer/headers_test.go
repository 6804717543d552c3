package signer

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values with surrounding spaces and names that differ only in case: ROA
// v1 signs values raw, ACS3 trims them; case variants of one name are one
// header, their values sorted; one name's repeated values keep their order.
func TestCanonicalHeadersSpacesAndCase(t *testing.T) {
	cases := []struct {
		name            string
		h               http.Header
		roa, acs3       string
		acs3SignedNames string
	}{
		{"spaces", http.Header{"X-Acs-Version": {"  2019-05-06 "}},
			"x-acs-version:  2019-05-06 \n", "x-acs-version:2019-05-06\n", "x-acs-version"},
		{"case variants merged and sorted", http.Header{"X-Acs-A": {" v2 "}, "x-acs-a": {"v1"}, "X-ACS-A": {"v3"}},
			"x-acs-a: v2 ,v1,v3\n", "x-acs-a:v1,v2,v3\n", "x-acs-a"},
		{"repeated values keep their order", http.Header{"X-Acs-M": {" b ", "a"}},
			"x-acs-m: b ,a\n", "x-acs-m:b,a\n", "x-acs-m"},
		{"names sorted lower-case", http.Header{"X-Acs-b": {"2"}, "x-acs-A": {"1"}, "X-ACS-C": {"3"}},
			"x-acs-a:1\nx-acs-b:2\nx-acs-c:3\n", "x-acs-a:1\nx-acs-b:2\nx-acs-c:3\n", "x-acs-a;x-acs-b;x-acs-c"},
		{"a name that is a prefix of another sorts first", http.Header{"X-Acs-Ab": {"2"}, "x-acs-a": {"1"}, "X-Acs-": {"0"}},
			"x-acs-:0\nx-acs-a:1\nx-acs-ab:2\n", "x-acs-:0\nx-acs-a:1\nx-acs-ab:2\n", "x-acs-;x-acs-a;x-acs-ab"},
		{"content-type only in ACS3, other headers in neither", http.Header{"content-TYPE": {" text/plain "}, "Accept": {"a"}, "X-Acs": {"not x-acs-"}, "X-Acs-Z": {""}},
			"x-acs-z:\n", "content-type:text/plain\nx-acs-z:\n", "content-type;x-acs-z"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.roa, ROACanonicalHeaders(tc.h))
			cr, signed := ACS3CanonicalRequest("GET", "", "/", url.Values{}, tc.h, EmptyPayloadSHA256)
			assert.Equal(t, "GET\n/\n\n"+tc.acs3+"\n"+tc.acs3SignedNames+"\n"+EmptyPayloadSHA256, cr)
			assert.Equal(t, tc.acs3SignedNames, signed)
		})
	}
}

// The host joins the ACS3 headers in its sorted place, trimmed.
func TestACS3HostSortedIn(t *testing.T) {
	h := http.Header{"X-Acs-Action": {"A"}, "Content-Type": {"t"}}
	cr, signed := ACS3CanonicalRequest("GET", " example.com ", "", nil, h, "p")
	assert.Equal(t, "GET\n/\n\ncontent-type:t\nhost:example.com\nx-acs-action:A\n\ncontent-type;host;x-acs-action\np", cr)
	assert.Equal(t, "content-type;host;x-acs-action", signed)
}

// The five ROA lines read headers stored under any case of their name.
func TestROAStringToSignFindsHeadersInAnyCase(t *testing.T) {
	h := http.Header{"accept": {"application/json"}, "content-md5": {"MD5"}, "CONTENT-TYPE": {"text/plain"}, "date": {"D"}}
	assert.Equal(t, "POST\napplication/json\nMD5\ntext/plain\nD\n/r", ROAStringToSign("POST", h, "/r"))
	assert.Equal(t, "GET\n\n\n\n\n/r", ROAStringToSign("GET", http.Header{}, "/r"))
}

// The Sign functions set their headers under canonical names, so that
// http.Header.Get finds them and nothing is sent twice in two cases.
func TestSignSetsCanonicalNames(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "secret", SecurityToken: "tok"}
	r := &Request{Method: "GET", Host: "h", Path: "/p", Action: "A", Version: "V"}
	h := http.Header{}
	_, err := SignROA(h, r, c, benchTime, "n")
	assert.NoError(t, err)
	for _, k := range []string{"Date", "Accept", "X-Acs-Signature-Method", "X-Acs-Signature-Version", "X-Acs-Signature-Nonce", "X-Acs-Version", "X-Acs-Action", "X-Acs-Security-Token", "Authorization"} {
		assert.Len(t, h[k], 1, k)
	}
	assert.Len(t, h, 9)
	h = http.Header{}
	_, err = SignACS3(h, r, c, benchTime, "n")
	assert.NoError(t, err)
	for _, k := range []string{"Accept", "X-Acs-Action", "X-Acs-Version", "X-Acs-Date", "X-Acs-Signature-Nonce", "X-Acs-Content-Sha256", "X-Acs-Accesskey-Id", "X-Acs-Security-Token", "Authorization"} {
		assert.Len(t, h[k], 1, k)
	}
	assert.Len(t, h, 9)
}

// A Content-Type without a body is not sent or signed: only a body has a
// type, and the payload hash of no body is EmptyPayloadSHA256.
func TestContentTypeOnlyWithABody(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}
	r := &Request{Method: "GET", Host: "h", Path: "/p", Action: "A", Version: "V", ContentType: "text/plain"}
	h := http.Header{}
	_, err := SignROA(h, r, c, benchTime, "n")
	assert.NoError(t, err)
	assert.Empty(t, h.Get("Content-Type"))
	assert.Empty(t, h.Get("Content-MD5"))
	h = http.Header{}
	_, err = SignACS3(h, r, c, benchTime, "n")
	assert.NoError(t, err)
	assert.Empty(t, h.Get("Content-Type"))
	assert.Equal(t, EmptyPayloadSHA256, h.Get("X-Acs-Content-Sha256"))
	assert.NotContains(t, h.Get("Authorization"), "content-type")
}

// A header stored under a case variant with no values reads as absent.
func TestHeaderValueEmptyVariant(t *testing.T) {
	h := http.Header{"content-md5": {}, "ACCEPT": {"a"}}
	assert.Equal(t, "", headerValue(h, "Content-Md5"))
	assert.Equal(t, "a", headerValue(h, "Accept"))
	assert.Equal(t, "GET\na\n\n\n\n/", ROAStringToSign("GET", h, "/"))
}

// An Accept the caller set is kept, and it is the one ROA v1 signs.
func TestSignKeepsTheCallersAccept(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "secret"}
	r := &Request{Method: "GET", Host: "h", Path: "/p", Action: "A", Version: "V"}
	h := http.Header{"accept": {"text/xml"}}
	_, err := SignROA(h, r, c, benchTime, "n")
	require.NoError(t, err)
	//lint:ignore SA1008 the caller's header is stored under a lower-case name on purpose
	assert.Equal(t, []string{"text/xml"}, h["accept"])
	assert.Empty(t, h.Values("Accept"), "no second Accept under the canonical name")
	sts := ROAStringToSign("GET", h, "/p")
	assert.Equal(t, "GET\ntext/xml\n", sts[:len("GET\ntext/xml\n")])
	assert.Equal(t, "acs id:"+ROASignature(sts, "secret"), h.Get("Authorization"))
	h = http.Header{"Accept": {"text/xml"}}
	_, err = SignACS3(h, r, c, benchTime, "n")
	require.NoError(t, err)
	assert.Equal(t, []string{"text/xml"}, h["Accept"])
}
