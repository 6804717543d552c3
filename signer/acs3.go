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
// ([EmptyPayloadSHA256] for none).
func ACS3CanonicalRequest(method, host, path string, q url.Values, h http.Header, payloadHash string) (canonicalRequest, signedHeaders string) {
	if path == "" {
		path = "/"
	}
	hs := coveredHeaders(h, true)
	if host = strings.TrimSpace(host); host != "" {
		hs["host"] = host // x-acs-* and content-type only above, so never a clash
	}
	headers, names := canonicalHeaders(hs)
	cr := strings.Join([]string{method, path, CanonicalQuery(q), headers, names, payloadHash}, "\n")
	return cr, names
}

// ACS3StringToSign returns "ACS3-HMAC-SHA256\n" + hex(SHA256(canonicalRequest)).
func ACS3StringToSign(canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return ACS3Algorithm + "\n" + hex.EncodeToString(sum[:])
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
// and returns the URL query to send, [CanonicalQuery](r.Query). It sets on
// h, under canonical names (X-Acs-Action...): x-acs-action, x-acs-version,
// x-acs-date, x-acs-signature-nonce, x-acs-content-sha256, Accept
// (application/json unless h has one), Content-Type when r.Body is not
// empty, x-acs-accesskey-id and x-acs-security-token for STS, and
// Authorization. Other x-acs-* headers already on h are signed too. r.Host
// must be the host the request is sent to. It fails as [SignRPC] does on
// an incomplete Request, an empty nonce or empty credentials.
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
