package signer

// The canonical forms the three signatures share: percent-encoding, the
// sorted query, the signed headers.

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

const upperHex = "0123456789ABCDEF"

// unreserved reports whether b stays literal under the documented rule:
// only A-Z a-z 0-9 - _ . ~ are left as they are.
func unreserved(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' ||
		b == '-' || b == '_' || b == '.' || b == '~'
}

// PercentEncode encodes s by the rule every Alibaba Cloud signature uses:
// the bytes A-Z a-z 0-9 - _ . ~ stay literal and every other byte of the
// UTF-8 form becomes %XY with upper-case hex. A space is %20 (never +), * is
// %2A, ~ stays ~.
func PercentEncode(s string) string {
	var b strings.Builder
	b.Grow(len(s)) // the result is at least as long as s
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&15])
	}
	return b.String()
}

// eachParam calls f for every parameter of q, keys sorted, the values of a
// repeated key in their order. Raw-key order is what Alibaba's Go SDKs sign
// (url.Values.Encode sorts raw keys); for the alphanumeric keys of the APIs
// it equals encoded-key order.
func eachParam(q url.Values, f func(key, value string)) {
	for _, k := range sortedKeys(q) {
		for _, v := range q[k] {
			f(k, v)
		}
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// CanonicalQuery returns q as the signatures canonicalise it: parameters
// sorted by key, each as PercentEncode(key)=PercentEncode(value) (an empty
// value gives "key="), joined by "&". It is the RPC v1 canonicalized query
// string and the ACS3 canonical query string, and it is also a valid URL
// query, which is how the client sends it.
func CanonicalQuery(q url.Values) string {
	var b strings.Builder
	eachParam(q, func(k, v string) {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(PercentEncode(k))
		b.WriteByte('=')
		b.WriteString(PercentEncode(v))
	})
	return b.String()
}

// coveredHeaders returns the headers of h a signature covers, every x-acs-*
// header and, for ACS3, content-type: lower-cased name -> canonical value.
// The values of one name are joined by "," in order. Names that differ
// only in case (stored apart by setting the map directly) are one header:
// every comma-separated piece of all their values is sorted, then joined.
// For ACS3, values lose surrounding spaces; ROA v1 signs them raw.
func coveredHeaders(h http.Header, acs3 bool) map[string]string {
	variants := make(map[string][][]string)
	for name, vs := range h {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-acs-") || acs3 && lower == "content-type" {
			variants[lower] = append(variants[lower], vs)
		}
	}
	out := make(map[string]string, len(variants))
	for name, vss := range variants {
		var vals []string
		for _, vs := range vss {
			for _, v := range vs {
				if acs3 {
					v = strings.TrimSpace(v)
				}
				vals = append(vals, v)
			}
		}
		if len(vss) > 1 {
			vals = strings.Split(strings.Join(vals, ","), ",")
			slices.Sort(vals)
		}
		out[name] = strings.Join(vals, ",")
	}
	return out
}

// canonicalHeaders returns "name:value\n" for each header of hs, sorted by
// name, and the names joined by ";".
func canonicalHeaders(hs map[string]string) (canonical, names string) {
	var b strings.Builder
	sorted := sortedKeys(hs)
	for _, name := range sorted {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(hs[name])
		b.WriteByte('\n')
	}
	return b.String(), strings.Join(sorted, ";")
}

// headerValue is h.Get that also finds a name stored in non-canonical case
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
