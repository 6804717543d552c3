package signer

import (
	"net/http"
	"slices"
	"strings"
)

// header is one header a signature covers, its name as stored in the
// http.Header (any case) and its values as sent.
type header struct {
	name   string
	values []string
}

// signedHeaders appends to dst the headers of h a signature covers (every
// x-acs-* header, and content-type for ACS3) and sorts them by lower-cased
// name. Names are compared without building lower-case copies.
func signedHeaders(dst []header, h http.Header, acs3 bool) []header {
	for name, vs := range h {
		if len(name) >= 6 && strings.EqualFold(name[:6], "x-acs-") || acs3 && strings.EqualFold(name, "content-type") {
			dst = append(dst, header{name: name, values: vs})
		}
	}
	slices.SortFunc(dst, func(a, b header) int { return compareFold(a.name, b.name) })
	return dst
}

// compareFold compares a and b as their ASCII lower-case forms.
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if ca, cb := lower(a[i]), lower(b[i]); ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, lower(s[i]))
	}
	return dst
}

// appendCanonicalHeaders appends "name:value\n" for each group of sorted
// headers hs whose names are equal ignoring case, and, when signed is not
// nil, the lower-cased names joined by ";" to *signed. The values of one
// name are joined by "," in order; when names differ only in case, every
// comma-separated piece of all their values is sorted before joining. With
// trim, values lose surrounding spaces (ACS3); ROA v1 signs them raw.
func appendCanonicalHeaders(dst []byte, hs []header, trim bool, signed *[]byte) []byte {
	for i := 0; i < len(hs); {
		j := i + 1
		for j < len(hs) && compareFold(hs[i].name, hs[j].name) == 0 {
			j++
		}
		dst = appendLower(dst, hs[i].name)
		dst = append(dst, ':')
		if j == i+1 {
			for k, v := range hs[i].values {
				if k > 0 {
					dst = append(dst, ',')
				}
				if trim {
					v = strings.TrimSpace(v)
				}
				dst = append(dst, v...)
			}
		} else {
			dst = append(dst, mergedValues(hs[i:j], trim)...)
		}
		dst = append(dst, '\n')
		if signed != nil {
			if len(*signed) > 0 {
				*signed = append(*signed, ';')
			}
			*signed = appendLower(*signed, hs[i].name)
		}
		i = j
	}
	return dst
}

// mergedValues joins the values of headers whose names differ only in case:
// an unusual request, so this path may allocate.
func mergedValues(hs []header, trim bool) string {
	var pieces []string
	for _, h := range hs {
		for _, v := range h.values {
			if trim {
				v = strings.TrimSpace(v)
			}
			pieces = append(pieces, strings.Split(v, ",")...)
		}
	}
	slices.Sort(pieces)
	return strings.Join(pieces, ",")
}

// headersLen is an upper bound of the canonical form of hs.
func headersLen(hs []header) int {
	n := 0
	for _, h := range hs {
		n += 2*len(h.name) + 3
		for _, v := range h.values {
			n += len(v) + 1
		}
	}
	return n
}

// headerValue is h.Get that also finds a name stored in non-canonical case
// (h["Content-MD5"] set directly rather than through Set).
func headerValue(h http.Header, name string) string {
	if v := h[name]; len(v) > 0 {
		return v[0]
	}
	for k, vs := range h {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}

// setter sets headers under names given in their canonical form, so that
// http.Header.Set does not canonicalise each one again; the values share
// one backing array.
type setter struct {
	h    http.Header
	vals []string
}

func newSetter(h http.Header, n int) setter { return setter{h: h, vals: make([]string, 0, n)} }

// set stores v under name, which must be in canonical form
// (textproto.CanonicalMIMEHeaderKey), as http.Header.Set would.
func (s *setter) set(name, v string) {
	s.vals = append(s.vals, v)
	s.h[name] = s.vals[len(s.vals)-1 : len(s.vals) : len(s.vals)]
}
