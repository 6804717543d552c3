package signer

import (
	"crypto/hmac"
	"crypto/md5"  // #nosec G501 -- Content-MD5 is what the ROA protocol specifies.
	"crypto/sha1" // #nosec G505 -- HMAC-SHA1 is what ROA v1 specifies.
	"encoding/base64"
	"net/http"
	"net/url"
	"time"
)

// ROA v1: HMAC-SHA1 (key = AccessKeySecret, no "&") over
//
//	VERB\nAccept\nContent-MD5\nContent-Type\nDate\n<canonical headers><canonical resource>
//
// sent as "Authorization: acs <AccessKeyId>:<signature>".

// ROAStringToSign returns the ROA v1 string to sign for a request with
// method, headers h and canonical resource (see ROACanonicalResource). The
// five leading lines are always present; an absent header leaves its line
// empty. The canonical headers are ROACanonicalHeaders(h).
func ROAStringToSign(method string, h http.Header, canonicalResource string) string {
	var stack [16]header
	hs := signedHeaders(stack[:0], h, false)
	return string(appendROAStringToSign(nil, method, h, hs, canonicalResource))
}

func appendROAStringToSign(dst []byte, method string, h http.Header, hs []header, canonicalResource string) []byte {
	for _, s := range [...]string{method, headerValue(h, "Accept"), headerValue(h, "Content-Md5"), headerValue(h, "Content-Type"), headerValue(h, "Date")} {
		dst = append(dst, s...)
		dst = append(dst, '\n')
	}
	dst = appendCanonicalHeaders(dst, hs, false, nil)
	return append(dst, canonicalResource...)
}

// ROACanonicalHeaders returns every header whose name starts with "x-acs-"
// (any case) as "name:value\n", names lower-cased, sorted by name, values raw
// (not trimmed; empty values kept). Repeated values are joined with ",";
// for names that differ only in case, the comma-separated pieces of all
// their values are sorted and joined with ",".
func ROACanonicalHeaders(h http.Header) string {
	var stack [16]header
	hs := signedHeaders(stack[:0], h, false)
	return string(appendCanonicalHeaders(make([]byte, 0, headersLen(hs)), hs, false, nil))
}

// ROACanonicalResource returns path, then, when q has parameters, "?" and the
// parameters sorted by key as key=value (or just key for an empty value)
// joined by "&". Keys and values are raw: neither encoded nor decoded.
func ROACanonicalResource(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	ps := sortedParams(make([]param, 0, len(q)), q)
	return string(appendROACanonicalResource(nil, path, ps))
}

func appendROACanonicalResource(dst []byte, path string, ps []param) []byte {
	dst = append(dst, path...)
	for i, p := range ps {
		if i == 0 {
			dst = append(dst, '?')
		} else {
			dst = append(dst, '&')
		}
		dst = append(dst, p.Key...)
		if p.Value != "" {
			dst = append(dst, '=')
			dst = append(dst, p.Value...)
		}
	}
	return dst
}

// ROASignature returns base64(HMAC-SHA1(secret, stringToSign)).
func ROASignature(stringToSign, accessKeySecret string) string {
	mac := hmac.New(sha1.New, []byte(accessKeySecret))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignROA signs a ROA-style request with ROA v1 and returns the URL query
// to send, CanonicalQuery(r.Query). It sets on h the headers the signature
// covers and the Authorization header: Date (GMT), Accept
// (application/json unless h has one), Content-MD5 and Content-Type when
// r.Body is not empty, x-acs-signature-method, x-acs-signature-version,
// x-acs-signature-nonce, x-acs-version, x-acs-action, and for STS
// x-acs-security-token, each under its canonical name (X-Acs-Version...).
// Other x-acs-* headers already on h are signed too.
func SignROA(h http.Header, r *Request, c Credentials, t time.Time, nonce string) (string, error) {
	if err := r.check(c, nonce); err != nil {
		return "", err
	}
	s := newSetter(h, 11)
	s.set("Date", t.UTC().Format(http.TimeFormat))
	if headerValue(h, "Accept") == "" {
		s.set("Accept", "application/json")
	}
	if len(r.Body) > 0 {
		sum := md5.Sum(r.Body) // #nosec G401 -- protocol-mandated checksum, not a security primitive here.
		s.set("Content-Md5", base64.StdEncoding.EncodeToString(sum[:]))
		if r.ContentType != "" {
			s.set("Content-Type", r.ContentType)
		}
	}
	s.set("X-Acs-Signature-Method", "HMAC-SHA1")
	s.set("X-Acs-Signature-Version", "1.0")
	s.set("X-Acs-Signature-Nonce", nonce)
	s.set("X-Acs-Version", r.Version)
	s.set("X-Acs-Action", r.Action)
	if c.SecurityToken != "" {
		s.set("X-Acs-Security-Token", c.SecurityToken)
	}
	path := r.Path
	if path == "" {
		path = "/"
	}
	var pstack [16]param
	ps := sortedParams(pstack[:0], r.Query)
	var hstack [16]header
	hs := signedHeaders(hstack[:0], h, false)

	// One buffer: the string to sign, then the Authorization value, then
	// the URL query.
	cq := canonicalQueryLen(ps)
	buf := make([]byte, 0, spare(cq, headerValue(h, "Accept"), headerValue(h, "Date"), headerValue(h, "Content-Type"), headerValue(h, "Content-Md5"),
		path, r.Method, c.AccessKeyID, c.AccessKeySecret, upperHex, upperHex)+headersLen(hs))
	buf = appendROAStringToSign(buf, r.Method, h, hs, "")
	buf = appendROACanonicalResource(buf, path, ps)
	var sig [28]byte // base64 of 20 bytes
	base64.StdEncoding.Encode(sig[:], hmacInto(buf[len(buf):], sha1.New, c.AccessKeySecret, "", buf))
	auth := append(buf[:0], "acs "...)
	auth = append(auth, c.AccessKeyID...)
	auth = append(auth, ':')
	auth = append(auth, sig[:]...)
	s.set("Authorization", string(auth))
	return string(appendCanonicalQuery(buf[:0], ps)), nil
}
