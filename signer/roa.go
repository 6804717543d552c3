package signer

import (
	"crypto/md5" // #nosec G501 -- Content-MD5 is what the ROA protocol specifies.
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
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
	var b strings.Builder
	for _, s := range [...]string{method, headerValue(h, "Accept"), headerValue(h, "Content-MD5"), headerValue(h, "Content-Type"), headerValue(h, "Date")} {
		b.WriteString(s)
		b.WriteByte('\n')
	}
	b.WriteString(ROACanonicalHeaders(h))
	b.WriteString(canonicalResource)
	return b.String()
}

// headerValue is h.Get that also finds a name stored in non-canonical case
// (h["Content-MD5"] set directly rather than through Set).
func headerValue(h http.Header, name string) string {
	if v := h.Get(name); v != "" {
		return v
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}

// ROACanonicalHeaders returns every header whose name starts with "x-acs-"
// (any case) as "name:value\n", names lower-cased, sorted by name, values raw
// (not trimmed; empty values kept). Repeated values are joined with ",".
func ROACanonicalHeaders(h http.Header) string {
	var b strings.Builder
	for _, kv := range acsHeaders(h, false) {
		b.WriteString(kv.Key)
		b.WriteByte(':')
		b.WriteString(kv.Value)
		b.WriteByte('\n')
	}
	return b.String()
}

// ROACanonicalResource returns path, then, when q has parameters, "?" and the
// parameters sorted by key as key=value (or just key for an empty value)
// joined by "&". Keys and values are raw: neither encoded nor decoded.
func ROACanonicalResource(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	ps := appendParams(make([]Param, 0, len(q)), q)
	sortParams(ps)
	var b strings.Builder
	b.WriteString(path)
	for i, p := range ps {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(p.Key)
		if p.Value != "" {
			b.WriteByte('=')
			b.WriteString(p.Value)
		}
	}
	return b.String()
}

// ROASignature returns base64(HMAC-SHA1(secret, stringToSign)).
func ROASignature(stringToSign, accessKeySecret string) string {
	mac := hmacSHA1(accessKeySecret, "", []byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac[:])
}

// SignROA signs a ROA-style request with ROA v1. It sets on h the headers the
// signature covers and the Authorization header: Date (GMT), Accept
// (application/json unless h has one), Content-MD5 and Content-Type when
// r.Body is not empty, x-acs-signature-method, x-acs-signature-version,
// x-acs-signature-nonce, x-acs-version, x-acs-action, and for STS
// x-acs-security-token. Other x-acs-* headers already on h are signed too.
// The query goes on the wire as CanonicalQuery(r.Query).
func SignROA(h http.Header, r *Request, c Credentials, t time.Time, nonce string) error {
	if err := r.check(c, nonce); err != nil {
		return err
	}
	h.Set("Date", t.UTC().Format(http.TimeFormat))
	if h.Get("Accept") == "" {
		h.Set("Accept", "application/json")
	}
	if len(r.Body) > 0 {
		sum := md5.Sum(r.Body) // #nosec G401 -- protocol-mandated checksum, not a security primitive here.
		h.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
		if r.ContentType != "" {
			h.Set("Content-Type", r.ContentType)
		}
	}
	h.Set("x-acs-signature-method", "HMAC-SHA1")
	h.Set("x-acs-signature-version", "1.0")
	h.Set("x-acs-signature-nonce", nonce)
	h.Set("x-acs-version", r.Version)
	h.Set("x-acs-action", r.Action)
	if c.SecurityToken != "" {
		h.Set("x-acs-security-token", c.SecurityToken)
	}
	path := r.Path
	if path == "" {
		path = "/"
	}
	sts := ROAStringToSign(r.Method, h, ROACanonicalResource(path, r.Query))
	h.Set("Authorization", "acs "+c.AccessKeyID+":"+ROASignature(sts, c.AccessKeySecret))
	return nil
}

// acsHeaders collects the headers a signature covers: every x-acs-* header,
// plus host and content-type when withACS3 is set (the host comes from the
// caller, not from h). Names are lower-cased, names differing only in case
// are merged with their values sorted, and values joined by ",". With
// withACS3 the values are trimmed of surrounding spaces.
func acsHeaders(h http.Header, withACS3 bool) []Param {
	var out []Param
	for name, vs := range h {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-acs-") && !(withACS3 && lower == "content-type") {
			continue
		}
		vals := vs
		if withACS3 {
			vals = make([]string, len(vs))
			for i, v := range vs {
				vals[i] = strings.TrimSpace(v)
			}
		}
		if i := slices.IndexFunc(out, func(p Param) bool { return p.Key == lower }); i >= 0 {
			merged := append(strings.Split(out[i].Value, ","), vals...)
			slices.Sort(merged)
			out[i].Value = strings.Join(merged, ",")
			continue
		}
		out = append(out, Param{Key: lower, Value: strings.Join(vals, ",")})
	}
	sortParams(out)
	return out
}
