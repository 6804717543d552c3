package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ACS3-HMAC-SHA256 ("signature method V3"):
//
//	CanonicalRequest = METHOD\nURI\nCanonicalQuery\nCanonicalHeaders\nSignedHeaders\nhex(SHA256(body))
//	StringToSign     = "ACS3-HMAC-SHA256\n" + hex(SHA256(CanonicalRequest))
//	Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))
//	Authorization: ACS3-HMAC-SHA256 Credential=<AK>,SignedHeaders=<h1;h2>,Signature=<hex>

// ACS3Algorithm is the algorithm name that starts the ACS3 string to sign
// and the Authorization header.
const ACS3Algorithm = "ACS3-HMAC-SHA256"

// ACS3DateLayout is the layout of the x-acs-date header (UTC).
const ACS3DateLayout = "2006-01-02T15:04:05Z"

// EmptyPayloadSHA256 is hex(SHA256("")), the x-acs-content-sha256 of a
// request without a body.
const EmptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// ACS3CanonicalRequest returns the ACS3 canonical request and the signed
// headers list. The headers signed are host (when host is not empty),
// content-type and every x-acs-* header of h, names lower-cased and sorted,
// values trimmed; for names that differ only in case, the comma-separated
// pieces of all their values are sorted and joined by ",". An empty path is
// "/". payloadHash is the lower hex SHA-256 of the body
// (EmptyPayloadSHA256 for none).
func ACS3CanonicalRequest(method, host, path string, q url.Values, h http.Header, payloadHash string) (canonicalRequest, signedHeaders string) {
	var pstack [16]param
	ps := sortedParams(pstack[:0], q)
	cr, signed := appendACS3CanonicalRequest(nil, method, host, path, ps, h, payloadHash)
	return string(cr), string(cr[signed[0]:signed[1]])
}

// appendACS3CanonicalRequest appends the canonical request to dst and
// returns where in it the signed headers list is.
func appendACS3CanonicalRequest(dst []byte, method, host, path string, ps []param, h http.Header, payloadHash string) ([]byte, [2]int) {
	if path == "" {
		path = "/"
	}
	var hstack [16]header
	hs := signedHeaders(hstack[:0], h, true)
	host = strings.TrimSpace(host)
	if host != "" {
		hs = append(hs, header{name: "host", values: []string{host}})
		insertionSortLast(hs)
	}
	var names [256]byte
	signed := names[:0]
	dst = append(dst, method...)
	dst = append(dst, '\n')
	dst = append(dst, path...)
	dst = append(dst, '\n')
	dst = appendCanonicalQuery(dst, ps)
	dst = append(dst, '\n')
	dst = appendCanonicalHeaders(dst, hs, true, &signed)
	dst = append(dst, '\n')
	start := len(dst)
	dst = append(dst, signed...)
	end := len(dst)
	dst = append(dst, '\n')
	dst = append(dst, payloadHash...)
	return dst, [2]int{start, end}
}

// insertionSortLast moves the last element of the sorted-but-last hs to
// its place.
func insertionSortLast(hs []header) {
	for i := len(hs) - 1; i > 0 && compareFold(hs[i-1].name, hs[i].name) > 0; i-- {
		hs[i-1], hs[i] = hs[i], hs[i-1]
	}
}

// ACS3StringToSign returns "ACS3-HMAC-SHA256\n" + hex(SHA256(canonicalRequest)).
func ACS3StringToSign(canonicalRequest string) string {
	sts := appendACS3StringToSign(nil, []byte(canonicalRequest))
	return string(sts)
}

func appendACS3StringToSign(dst, canonicalRequest []byte) []byte {
	sum := sha256.Sum256(canonicalRequest)
	dst = append(dst, ACS3Algorithm+"\n"...)
	return hex.AppendEncode(dst, sum[:])
}

// ACS3Signature returns hex(HMAC-SHA256(secret, stringToSign)), lower case.
func ACS3Signature(stringToSign, accessKeySecret string) string {
	mac := hmac.New(sha256.New, []byte(accessKeySecret))
	mac.Write([]byte(stringToSign))
	return hex.EncodeToString(mac.Sum(nil))
}

// ACS3Authorization returns the Authorization header value.
func ACS3Authorization(accessKeyID, signedHeaders, signature string) string {
	return ACS3Algorithm + " Credential=" + accessKeyID + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature
}

// SignACS3 signs r with ACS3-HMAC-SHA256, for RPC and ROA styles alike,
// and returns the URL query to send, CanonicalQuery(r.Query), computed once
// for the signature and the URL. It sets on h, under canonical names
// (X-Acs-Action...): x-acs-action, x-acs-version, x-acs-date,
// x-acs-signature-nonce, x-acs-content-sha256, Accept (application/json
// unless h has one), Content-Type when r.Body is not empty,
// x-acs-accesskey-id and x-acs-security-token for STS, and Authorization.
// Other x-acs-* headers already on h are signed too. r.Host must be the
// host the request is sent to.
func SignACS3(h http.Header, r *Request, c Credentials, t time.Time, nonce string) (string, error) {
	if err := r.check(c, nonce); err != nil {
		return "", err
	}
	s := newSetter(h, 10)
	payloadHash := EmptyPayloadSHA256
	if len(r.Body) > 0 {
		sum := sha256.Sum256(r.Body)
		payloadHash = hex.EncodeToString(sum[:])
		if r.ContentType != "" {
			s.set("Content-Type", r.ContentType)
		}
	}
	var date [len(ACS3DateLayout)]byte
	s.set("X-Acs-Action", r.Action)
	s.set("X-Acs-Version", r.Version)
	s.set("X-Acs-Date", string(t.UTC().AppendFormat(date[:0], ACS3DateLayout)))
	s.set("X-Acs-Signature-Nonce", nonce)
	s.set("X-Acs-Content-Sha256", payloadHash)
	if headerValue(h, "Accept") == "" {
		s.set("Accept", "application/json")
	}
	if c.SecurityToken != "" {
		s.set("X-Acs-Accesskey-Id", c.AccessKeyID)
		s.set("X-Acs-Security-Token", c.SecurityToken)
	}
	var pstack [16]param
	ps := sortedParams(pstack[:0], r.Query)
	cq := canonicalQueryLen(ps)
	var hstack [16]header
	size := spare(cq+headersLen(signedHeaders(hstack[:0], h, true)), r.Method, r.Path, r.Host, r.Host, payloadHash, ACS3Algorithm,
		" Credential=,SignedHeaders=,Signature=", c.AccessKeyID, c.AccessKeySecret, upperHex, upperHex, upperHex, upperHex)
	buf := make([]byte, 0, size)
	buf, signed := appendACS3CanonicalRequest(buf, r.Method, r.Host, r.Path, ps, h, payloadHash)
	var stsBuf [len(ACS3Algorithm) + 1 + 2*sha256.Size]byte
	sts := appendACS3StringToSign(stsBuf[:0], buf)
	var sum [sha256.Size]byte
	copy(sum[:], hmacInto(buf[len(buf):], sha256.New, c.AccessKeySecret, "", sts))
	// The Authorization value goes after the canonical request in buf, so
	// the signed headers list is copied from it without another string.
	at := len(buf)
	buf = append(buf, ACS3Algorithm+" Credential="...)
	buf = append(buf, c.AccessKeyID...)
	buf = append(buf, ",SignedHeaders="...)
	buf = append(buf, buf[signed[0]:signed[1]]...)
	buf = append(buf, ",Signature="...)
	buf = hex.AppendEncode(buf, sum[:])
	s.set("Authorization", string(buf[at:]))
	return string(appendCanonicalQuery(buf[:0], ps)), nil
}
