package signer

import (
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
// %2A, ~ stays ~. A string that needs no encoding is returned as it is,
// without allocating.
func PercentEncode(s string) string {
	i := 0
	for i < len(s) && unreserved(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s)+2*(len(s)-i)+8)
	b = append(b, s[:i]...)
	return string(appendPercentEncoded(b, s[i:]))
}

func appendPercentEncoded(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// appendPercentEncodedBytes is appendPercentEncoded for a byte slice, used to
// encode a canonical query a second time without converting it to a string.
func appendPercentEncodedBytes(dst, s []byte) []byte {
	for _, c := range s {
		if unreserved(c) {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// param is one query parameter: a key and its raw (unencoded) value.
type param struct {
	Key, Value string
}

// sortParams sorts by raw key, keeping the order of repeated keys. Raw-key
// order is what Alibaba's Go SDKs sign (url.Values.Encode sorts raw keys);
// for the alphanumeric keys of the APIs it equals encoded-key order.
func sortParams(ps []param) {
	slices.SortStableFunc(ps, func(a, b param) int { return strings.Compare(a.Key, b.Key) })
}

// sortedParams appends the parameters of q to ps and sorts them.
func sortedParams(ps []param, q url.Values) []param {
	for k, vs := range q {
		for _, v := range vs {
			ps = append(ps, param{Key: k, Value: v})
		}
	}
	sortParams(ps)
	return ps
}

// canonicalQueryLen is the length of the canonical query of ps.
func canonicalQueryLen(ps []param) int {
	n := 0
	for _, p := range ps {
		n += encodedLen(p.Key) + encodedLen(p.Value) + 2
	}
	return n
}

// encodedLen is len(PercentEncode(s)).
func encodedLen[T string | []byte](s T) int {
	n := len(s)
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n += 2
		}
	}
	return n
}

// appendCanonicalQuery appends sorted params as enc(k)=enc(v) joined by &.
// ps must be sorted already.
func appendCanonicalQuery(dst []byte, ps []param) []byte {
	for i, p := range ps {
		if i > 0 {
			dst = append(dst, '&')
		}
		dst = appendPercentEncoded(dst, p.Key)
		dst = append(dst, '=')
		dst = appendPercentEncoded(dst, p.Value)
	}
	return dst
}

// CanonicalQuery returns q as the signatures canonicalise it: parameters
// sorted by key, each as PercentEncode(key)=PercentEncode(value) (an empty
// value gives "key="), joined by "&". It is the RPC v1 canonicalized query
// string and the ACS3 canonical query string, and it is also a valid URL
// query, which is how the client sends it.
func CanonicalQuery(q url.Values) string {
	ps := sortedParams(make([]param, 0, len(q)), q)
	return string(appendCanonicalQuery(make([]byte, 0, canonicalQueryLen(ps)), ps))
}
