package signer

import (
	"crypto/hmac"
	"crypto/md5"  // #nosec G501 -- Content-MD5 is what the ROA protocol specifies.
	"crypto/sha1" // #nosec G505 -- HMAC-SHA1 is what ROA v1 specifies.
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ROAStringToSign returns the ROA v1 string to sign for a request with
// method, headers h and canonical resource (see [ROACanonicalResource]).
// The five leading lines are always present; an absent header leaves its
// line empty. The canonical headers are [ROACanonicalHeaders](h).
func ROAStringToSign(method string, h http.Header, canonicalResource string) string {
	lines := []string{method, headerValue(h, "Accept"), headerValue(h, "Content-MD5"), headerValue(h, "Content-Type"), headerValue(h, "Date")}
	return strings.Join(lines, "\n") + "\n" + ROACanonicalHeaders(h) + canonicalResource
}

// ROACanonicalHeaders returns every header whose name starts with "x-acs-"
// (any case) as "name:value\n", names lower-cased, sorted by name, values raw
// (not trimmed; empty values kept). Repeated values are joined with ",";
// for names that differ only in case, the comma-separated pieces of all
// their values are sorted and joined with ",".
func ROACanonicalHeaders(h http.Header) string {
	canonical, _ := canonicalHeaders(coveredHeaders(h, false))
	return canonical
}

// ROACanonicalResource returns path, then, when q has parameters, "?" and the
// parameters sorted by key as key=value (or just key for an empty value)
// joined by "&". Keys and values are raw: neither encoded nor decoded.
func ROACanonicalResource(path string, q url.Values) string {
	var params []string
	eachParam(q, func(k, v string) {
		if v != "" {
			k += "=" + v
		}
		params = append(params, k)
	})
	if len(params) == 0 {
		return path
	}
	return path + "?" + strings.Join(params, "&")
}

// ROASignature returns base64(HMAC-SHA1(secret, stringToSign)).
func ROASignature(stringToSign, accessKeySecret string) string {
	mac := hmac.New(sha1.New, []byte(accessKeySecret))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignROA signs a ROA-style request with ROA v1 and returns the URL query
// to send, [CanonicalQuery](r.Query). It sets on h the headers the signature
// covers and the Authorization header: Date (GMT), Accept
// (application/json unless h has one), Content-MD5 and Content-Type when
// r.Body is not empty, x-acs-signature-method, x-acs-signature-version,
// x-acs-signature-nonce, x-acs-version, x-acs-action, and for STS
// x-acs-security-token, each under its canonical name (X-Acs-Version...).
// Other x-acs-* headers already on h are signed too. It fails as [SignRPC]
// does on an incomplete Request, an empty nonce or empty credentials.
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
	path := r.Path
	if path == "" {
		path = "/"
	}
	sts := ROAStringToSign(r.Method, h, ROACanonicalResource(path, r.Query))
	h.Set("Authorization", "acs "+c.AccessKeyID+":"+ROASignature(sts, c.AccessKeySecret))
	return CanonicalQuery(r.Query), nil
}
