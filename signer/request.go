package signer

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Version selects the signature scheme.
type Version int

const (
	// V1, the zero value, is RPC v1 for RPC-style APIs such as KMS and ROA
	// v1 for ROA-style APIs such as SAE, both HMAC-SHA1.
	V1 Version = iota
	// V3 is ACS3-HMAC-SHA256, what Alibaba's current official SDKs send.
	V3
)

// String returns "V1", "V3" or "Version(n)".
func (v Version) String() string {
	switch v {
	case V1:
		return "V1"
	case V3:
		return "V3"
	}
	return fmt.Sprintf("Version(%d)", int(v))
}

// Request describes one API call to sign.
type Request struct {
	Method  string     // "GET" or "POST"
	Host    string     // host (and port, if not the default) the request goes to; ACS3 signs it
	Path    string     // ROA and ACS3: the resource path ("" is "/"); RPC requests go to "/"
	Query   url.Values // the operation's own parameters, raw (unencoded)
	Action  string     // API operation, e.g. "GetSecretValue"
	Version string     // API version, e.g. "2016-01-20"

	Body        []byte // request body; the secret-reading operations send none
	ContentType string // Content-Type of Body
}

func (r *Request) check(c Credentials, nonce string) error {
	if r == nil {
		return fmt.Errorf("%w: nil signer.Request", ErrInvalidInput)
	}
	for _, f := range []param{{"Request.Method", r.Method}, {"Request.Action", r.Action}, {"Request.Version", r.Version}, {"signature nonce", nonce}} {
		if f.value == "" {
			return fmt.Errorf("%w: %s is empty", ErrInvalidInput, f.key)
		}
	}
	return c.Validate()
}

const upperHex = "0123456789ABCDEF"

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

// PercentEncode encodes s as every Alibaba Cloud signature does: the bytes
// A-Z a-z 0-9 - _ . ~ stay literal, every other byte becomes %XY with
// upper-case hex (a space is %20, never +).
func PercentEncode(s string) string {
	escapes := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			escapes++
		}
	}
	if escapes == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 2*escapes)
	for i := 0; i < len(s); i++ {
		if c := s[i]; unreserved(c) {
			b.WriteByte(c)
		} else {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&15])
		}
	}
	return b.String()
}

// param is one query parameter or one signed header.
type param struct{ key, value string }

// sortedParams returns the parameters of q and extra sorted by raw key (what
// Alibaba's Go SDKs sign), the values of a repeated key in their order.
func sortedParams(q url.Values, extra ...param) []param {
	ps := make([]param, 0, len(q)+len(extra))
	for k, vs := range q {
		for _, v := range vs {
			ps = append(ps, param{k, v})
		}
	}
	ps = append(ps, extra...)
	slices.SortStableFunc(ps, func(a, b param) int { return strings.Compare(a.key, b.key) })
	return ps
}

// CanonicalQuery returns q as the signatures canonicalise it: sorted by key,
// each parameter as PercentEncode(key)=PercentEncode(value), joined by "&".
// It is also a valid URL query, which is how the client sends it.
func CanonicalQuery(q url.Values) string { return encodeParams(sortedParams(q)) }

func encodeParams(ps []param) string {
	n := 0
	for _, p := range ps {
		n += len(p.key) + len(p.value) + 2
	}
	var b strings.Builder
	b.Grow(n) // the least it takes: escaping only lengthens
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(PercentEncode(p.key))
		b.WriteByte('=')
		b.WriteString(PercentEncode(p.value))
	}
	return b.String()
}

// coveredHeaders returns the headers a signature covers, sorted by
// lower-cased name: every x-acs-* header of h and, for ACS3, content-type
// and host (when not empty). ACS3 trims each value; ROA v1 signs them raw.
func coveredHeaders(h http.Header, acs3 bool, host string) []param {
	type variant struct {
		name   string
		values []string
	}
	vs := make([]variant, 0, len(h)+1)
	if host != "" {
		vs = append(vs, variant{"host", []string{host}})
	}
	for name, values := range h {
		name = strings.ToLower(name)
		if !strings.HasPrefix(name, "x-acs-") && !(acs3 && name == "content-type") {
			continue
		}
		if acs3 {
			values = slices.Clone(values)
			for i := range values {
				values[i] = strings.TrimSpace(values[i])
			}
		}
		vs = append(vs, variant{name, values})
	}
	slices.SortFunc(vs, func(a, b variant) int { return strings.Compare(a.name, b.name) })
	hs := make([]param, 0, len(vs))
	for i := 0; i < len(vs); i++ {
		name, values := vs[i].name, vs[i].values
		if i+1 < len(vs) && vs[i+1].name == name {
			// Names that differ only in case (set on the map directly) are
			// one header: every comma-separated piece of their values, sorted.
			for ; i+1 < len(vs) && vs[i+1].name == name; i++ {
				values = append(slices.Clip(values), vs[i+1].values...)
			}
			values = strings.Split(strings.Join(values, ","), ",")
			slices.Sort(values)
		}
		hs = append(hs, param{name, strings.Join(values, ",")})
	}
	return hs
}

// canonicalHeaders returns "name:value\n" for each of hs and the names
// joined by ";".
func canonicalHeaders(hs []param) (canonical, names string) {
	var b strings.Builder
	list := make([]string, len(hs))
	for i, p := range hs {
		b.WriteString(p.key)
		b.WriteByte(':')
		b.WriteString(p.value)
		b.WriteByte('\n')
		list[i] = p.key
	}
	return b.String(), strings.Join(list, ";")
}

// headerValue is h.Get that also finds a name stored in another case
// (h["content-md5"] set directly rather than through Set).
func headerValue(h http.Header, name string) string {
	if vs := h.Values(name); len(vs) > 0 {
		return vs[0]
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}
