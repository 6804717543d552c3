package signer

import (
	"cmp"
	"crypto/hmac"
	"crypto/md5"  // #nosec G501 -- Content-MD5 is what the ROA protocol specifies.
	"crypto/sha1" // #nosec G505 -- HMAC-SHA1 is what RPC v1 and ROA v1 specify.
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RPCTimestampLayout is the layout of the RPC Timestamp parameter (UTC).
const RPCTimestampLayout = "2006-01-02T15:04:05Z"

// ACS3DateLayout is the layout of the x-acs-date header (UTC).
const ACS3DateLayout = "2006-01-02T15:04:05Z"

// ACS3Algorithm starts the ACS3 string to sign and Authorization header.
const ACS3Algorithm = "ACS3-HMAC-SHA256"

// EmptyPayloadSHA256 is hex(SHA256("")), the payload hash of no body.
const EmptyPayloadSHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// rpcCommonKeys are the parameters SignRPC sets; an operation may not set them.
var rpcCommonKeys = []string{
	"Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion",
	"SignatureNonce", "Timestamp", "SecurityToken", "Signature",
}

func mac(h func() hash.Hash, key, message string) []byte {
	m := hmac.New(h, []byte(key))
	m.Write([]byte(message))
	return m.Sum(nil)
}

// RPCStringToSign returns method + "&%2F&" + PercentEncode(canonicalQuery),
// the [CanonicalQuery] of every parameter but Signature.
func RPCStringToSign(method, canonicalQuery string) string {
	return method + "&%2F&" + PercentEncode(canonicalQuery)
}

// RPCSignature returns base64(HMAC-SHA1(secret + "&", stringToSign)).
func RPCSignature(stringToSign, accessKeySecret string) string {
	return base64.StdEncoding.EncodeToString(mac(sha1.New, accessKeySecret+"&", stringToSign))
}

// SignRPC signs an RPC-style request with RPC v1 and returns the URL query
// to send: r.Query and the common parameters (Action, Version, Format,
// AccessKeyId, Signature*, Timestamp, SecurityToken for STS) in canonical
// order, then Signature. A Request without Method, Action or Version, an
// empty nonce, or a common parameter in r.Query is an error matching
// [ErrInvalidInput]; empty credentials match [ErrInvalidCredentials].
func SignRPC(r *Request, c Credentials, t time.Time, nonce string) (string, error) {
	if err := r.check(c, nonce); err != nil {
		return "", err
	}
	for _, k := range rpcCommonKeys {
		if _, ok := r.Query[k]; ok {
			return "", fmt.Errorf("%w: query parameter %q is set by the signer", ErrInvalidInput, k)
		}
	}
	common := []param{
		{"Action", r.Action}, {"Version", r.Version}, {"Format", "JSON"}, {"AccessKeyId", c.AccessKeyID},
		{"SignatureMethod", "HMAC-SHA1"}, {"SignatureVersion", "1.0"}, {"SignatureNonce", nonce},
		{"Timestamp", t.UTC().Format(RPCTimestampLayout)},
	}
	if c.SecurityToken != "" {
		common = append(common, param{"SecurityToken", c.SecurityToken})
	}
	query := encodeParams(sortedParams(r.Query, common...))
	sig := RPCSignature(RPCStringToSign(r.Method, query), c.AccessKeySecret)
	return query + "&Signature=" + PercentEncode(sig), nil
}

// ROAStringToSign returns the ROA v1 string to sign: the method, the Accept,
// Content-MD5, Content-Type and Date headers (a line each, empty when
// absent), [ROACanonicalHeaders](h) and canonicalResource.
func ROAStringToSign(method string, h http.Header, canonicalResource string) string {
	lines := []string{method, headerValue(h, "Accept"), headerValue(h, "Content-MD5"), headerValue(h, "Content-Type"), headerValue(h, "Date")}
	return strings.Join(lines, "\n") + "\n" + ROACanonicalHeaders(h) + canonicalResource
}

// ROACanonicalHeaders returns every x-acs-* header (any case) as
// "name:value\n", names lower-cased and sorted, values raw and joined by ","
// (for names that differ only in case, every comma-separated piece sorted).
func ROACanonicalHeaders(h http.Header) string {
	canonical, _ := canonicalHeaders(coveredHeaders(h, false, ""))
	return canonical
}

// ROACanonicalResource returns path, then, when q has parameters, "?" and
// the parameters sorted by key as key=value (key alone for an empty value)
// joined by "&", raw: neither encoded nor decoded.
func ROACanonicalResource(path string, q url.Values) string {
	var b strings.Builder
	b.WriteString(path)
	sep := byte('?')
	for _, p := range sortedParams(q) {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(p.key)
		if p.value != "" {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}

// ROASignature returns base64(HMAC-SHA1(secret, stringToSign)).
func ROASignature(stringToSign, accessKeySecret string) string {
	return base64.StdEncoding.EncodeToString(mac(sha1.New, accessKeySecret, stringToSign))
}

// SignROA signs a ROA-style request with ROA v1 and returns the URL query
// to send, [CanonicalQuery](r.Query). It sets on h Date, Accept (unless
// set), Content-MD5 and Content-Type (with a body), the X-Acs-* headers it
// signs and Authorization ("acs <AccessKeyID>:<ROASignature>"); other
// x-acs-* headers on h are signed too. It fails as [SignRPC] does.
func SignROA(h http.Header, r *Request, c Credentials, t time.Time, nonce string) (string, error) {
	if err := r.check(c, nonce); err != nil {
		return "", err
	}
	h.Set("Date", t.UTC().Format(http.TimeFormat))
	if headerValue(h, "Accept") == "" {
		h.Set("Accept", "application/json")
	}
	if len(r.Body) > 0 {
		sum := md5.Sum(r.Body) // #nosec G401 -- protocol-mandated checksum, not a security primitive here.
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
		if r.ContentType != "" {
			h.Set("Content-Type", r.ContentType)
		}
	}
	h.Set("X-Acs-Signature-Method", "HMAC-SHA1")
	h.Set("X-Acs-Signature-Version", "1.0")
	h.Set("X-Acs-Signature-Nonce", nonce)
	h.Set("X-Acs-Version", r.Version)
	h.Set("X-Acs-Action", r.Action)
	if c.SecurityToken != "" {
		h.Set("X-Acs-Security-Token", c.SecurityToken)
	}
	sts := ROAStringToSign(r.Method, h, ROACanonicalResource(cmp.Or(r.Path, "/"), r.Query))
	h.Set("Authorization", "acs "+c.AccessKeyID+":"+ROASignature(sts, c.AccessKeySecret))
	return CanonicalQuery(r.Query), nil
}

// ACS3CanonicalRequest returns the ACS3 canonical request (method, path,
// [CanonicalQuery](q), canonical headers, signed headers and payloadHash, a
// line each) and its signed headers list. It signs host (unless empty),
// content-type and the x-acs-* headers, as [ROACanonicalHeaders] does but
// with values trimmed. An empty path is "/"; payloadHash is the lower hex
// SHA-256 of the body.
func ACS3CanonicalRequest(method, host, path string, q url.Values, h http.Header, payloadHash string) (canonicalRequest, signedHeaders string) {
	headers, names := canonicalHeaders(coveredHeaders(h, true, strings.TrimSpace(host)))
	return strings.Join([]string{method, cmp.Or(path, "/"), CanonicalQuery(q), headers, names, payloadHash}, "\n"), names
}

// ACS3StringToSign returns "ACS3-HMAC-SHA256\n" + hex(SHA256(canonicalRequest)).
func ACS3StringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return ACS3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// ACS3Signature returns hex(HMAC-SHA256(secret, stringToSign)), lower case.
func ACS3Signature(stringToSign, accessKeySecret string) string {
	return hex.EncodeToString(mac(sha256.New, accessKeySecret, stringToSign))
}

// ACS3Authorization returns the Authorization header value,
// "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<h1;h2>,Signature=<sig>".
func ACS3Authorization(accessKeyID, signedHeaders, signature string) string {
	return ACS3Algorithm + " Credential=" + accessKeyID + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature
}

// SignACS3 signs r with ACS3-HMAC-SHA256, RPC and ROA styles alike, and
// returns the URL query to send, [CanonicalQuery](r.Query). It sets on h
// Accept (unless set), Content-Type (with a body), the X-Acs-* headers it
// signs and Authorization; other x-acs-* headers on h are signed too. r.Host
// must be the host the request goes to. It fails as [SignRPC] does.
func SignACS3(h http.Header, r *Request, c Credentials, t time.Time, nonce string) (string, error) {
	if err := r.check(c, nonce); err != nil {
		return "", err
	}
	payloadHash := EmptyPayloadSHA256
	if len(r.Body) > 0 {
		sum := sha256.Sum256(r.Body)
		payloadHash = hex.EncodeToString(sum[:])
		if r.ContentType != "" {
			h.Set("Content-Type", r.ContentType)
		}
	}
	h.Set("X-Acs-Action", r.Action)
	h.Set("X-Acs-Version", r.Version)
	h.Set("X-Acs-Date", t.UTC().Format(ACS3DateLayout))
	h.Set("X-Acs-Signature-Nonce", nonce)
	h.Set("X-Acs-Content-Sha256", payloadHash)
	if headerValue(h, "Accept") == "" {
		h.Set("Accept", "application/json")
	}
	if c.SecurityToken != "" {
		h.Set("X-Acs-Accesskey-Id", c.AccessKeyID)
		h.Set("X-Acs-Security-Token", c.SecurityToken)
	}
	cr, signed := ACS3CanonicalRequest(r.Method, r.Host, r.Path, r.Query, h, payloadHash)
	sig := ACS3Signature(ACS3StringToSign(cr), c.AccessKeySecret)
	h.Set("Authorization", ACS3Authorization(c.AccessKeyID, signed, sig))
	return CanonicalQuery(r.Query), nil
}
