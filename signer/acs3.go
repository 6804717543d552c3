package signer

import (
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
// values trimmed; names that differ only in case are merged, their values
// sorted and joined by ",". An empty path is "/". payloadHash is the lower
// hex SHA-256 of the body (EmptyPayloadSHA256 for none).
func ACS3CanonicalRequest(method, host, path string, q url.Values, h http.Header, payloadHash string) (canonicalRequest, signedHeaders string) {
	if path == "" {
		path = "/"
	}
	headers := acsHeaders(h, true)
	if host != "" {
		headers = append(headers, Param{Key: "host", Value: strings.TrimSpace(host)})
		sortParams(headers)
	}
	var b, signed strings.Builder
	b.WriteString(method)
	b.WriteByte('\n')
	b.WriteString(path)
	b.WriteByte('\n')
	b.WriteString(CanonicalQuery(q))
	b.WriteByte('\n')
	for i, kv := range headers {
		b.WriteString(kv.Key)
		b.WriteByte(':')
		b.WriteString(kv.Value)
		b.WriteByte('\n')
		if i > 0 {
			signed.WriteByte(';')
		}
		signed.WriteString(kv.Key)
	}
	b.WriteByte('\n')
	b.WriteString(signed.String())
	b.WriteByte('\n')
	b.WriteString(payloadHash)
	return b.String(), signed.String()
}

// ACS3StringToSign returns "ACS3-HMAC-SHA256\n" + hex(SHA256(canonicalRequest)).
func ACS3StringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return ACS3Algorithm + "\n" + hex.EncodeToString(sum[:])
}

// ACS3Signature returns hex(HMAC-SHA256(secret, stringToSign)), lower case.
func ACS3Signature(stringToSign, accessKeySecret string) string {
	mac := hmacSHA256(accessKeySecret, []byte(stringToSign))
	return hex.EncodeToString(mac[:])
}

// ACS3Authorization returns the Authorization header value.
func ACS3Authorization(accessKeyID, signedHeaders, signature string) string {
	return ACS3Algorithm + " Credential=" + accessKeyID + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature
}

// SignACS3 signs r with ACS3-HMAC-SHA256, for RPC and ROA styles alike. It
// sets on h: x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce,
// x-acs-content-sha256, Accept (application/json unless h has one),
// Content-Type when r.Body is not empty, x-acs-accesskey-id and
// x-acs-security-token for STS, and Authorization. Other x-acs-* headers
// already on h are signed too. r.Host must be the host the request is sent
// to. The query goes on the wire as CanonicalQuery(r.Query).
func SignACS3(h http.Header, r *Request, c Credentials, t time.Time, nonce string) error {
	if err := r.check(c, nonce); err != nil {
		return err
	}
	payloadHash := EmptyPayloadSHA256
	if len(r.Body) > 0 {
		sum := sha256.Sum256(r.Body)
		payloadHash = hex.EncodeToString(sum[:])
		if r.ContentType != "" {
			h.Set("Content-Type", r.ContentType)
		}
	}
	h.Set("x-acs-action", r.Action)
	h.Set("x-acs-version", r.Version)
	h.Set("x-acs-date", t.UTC().Format(ACS3DateLayout))
	h.Set("x-acs-signature-nonce", nonce)
	h.Set("x-acs-content-sha256", payloadHash)
	if h.Get("Accept") == "" {
		h.Set("Accept", "application/json")
	}
	if c.SecurityToken != "" {
		h.Set("x-acs-accesskey-id", c.AccessKeyID)
		h.Set("x-acs-security-token", c.SecurityToken)
	}
	canonical, signed := ACS3CanonicalRequest(r.Method, r.Host, r.Path, r.Query, h, payloadHash)
	sig := ACS3Signature(ACS3StringToSign(canonical), c.AccessKeySecret)
	h.Set("Authorization", ACS3Authorization(c.AccessKeyID, signed, sig))
	return nil
}
