package sdkreplay

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"sort"
	"strings"
)

// encode is RFC 3986: only A-Z a-z 0-9 - _ . ~ stay literal.
func encode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

func sorted(ps []param) []param {
	out := append([]param(nil), ps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].k < out[j].k })
	return out
}

// rpcSignature is RPC v1: HMAC-SHA1, keyed with the secret and "&", over
// METHOD&%2F&encode(sorted, encoded query).
func rpcSignature(method string, query []param, secret string) string {
	var parts []string
	for _, p := range query {
		parts = append(parts, encode(p.k)+"="+encode(p.v))
	}
	sort.Strings(parts)
	sts := method + "&%2F&" + encode(strings.Join(parts, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	m.Write([]byte(sts))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func headerValue(headers []param, name string) string {
	for _, h := range headers {
		if strings.EqualFold(h.k, name) {
			return h.v
		}
	}
	return ""
}

// roaSignature is ROA v1: HMAC-SHA1, keyed with the secret alone, over the
// verb, Accept, Content-MD5, Content-Type and Date lines (always present,
// empty when absent), the sorted x-acs-* headers, then the path and the
// sorted raw query.
func roaSignature(method, path string, query, headers []param, secret string) string {
	var b strings.Builder
	b.WriteString(method + "\n")
	for _, name := range []string{"Accept", "Content-MD5", "Content-Type", "Date"} {
		b.WriteString(headerValue(headers, name) + "\n")
	}
	var acs []param
	for _, h := range headers {
		if lower := strings.ToLower(h.k); strings.HasPrefix(lower, "x-acs-") {
			acs = append(acs, param{lower, h.v})
		}
	}
	for _, h := range sorted(acs) {
		b.WriteString(h.k + ":" + h.v + "\n")
	}
	b.WriteString(path)
	for i, p := range sorted(query) {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		b.WriteString(sep + p.k)
		if p.v != "" {
			b.WriteString("=" + p.v)
		}
	}
	m := hmac.New(sha1.New, []byte(secret))
	m.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// acs3Authorization is ACS3-HMAC-SHA256: a canonical request over the
// x-acs-*, host and content-type headers and the body hash, hashed and
// signed with HMAC-SHA256.
func acs3Authorization(method, path string, query, headers []param, body string, k Key) string {
	var q []string
	for _, p := range sorted(query) {
		q = append(q, p.k+"="+encode(p.v))
	}
	var signed []param
	for _, h := range headers {
		lower := strings.ToLower(h.k)
		if strings.HasPrefix(lower, "x-acs-") || lower == "host" || lower == "content-type" {
			signed = append(signed, param{lower, strings.TrimSpace(h.v)})
		}
	}
	signed = sorted(signed)
	var canonHeaders strings.Builder
	names := make([]string, 0, len(signed))
	for _, h := range signed {
		canonHeaders.WriteString(h.k + ":" + h.v + "\n")
		names = append(names, h.k)
	}
	payload := sha256.Sum256([]byte(body))
	canonical := strings.Join([]string{method, path, strings.Join(q, "&"), canonHeaders.String(), strings.Join(names, ";"), hex.EncodeToString(payload[:])}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	m := hmac.New(sha256.New, []byte(k.Secret))
	m.Write([]byte("ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])))
	return "ACS3-HMAC-SHA256 Credential=" + k.ID + ",SignedHeaders=" + strings.Join(names, ";") + ",Signature=" + hex.EncodeToString(m.Sum(nil))
}
