package signer

import (
	"crypto/hmac"
	"crypto/sha1" // #nosec G505 -- HMAC-SHA1 is what RPC v1 specifies.
	"encoding/base64"
	"fmt"
	"time"
)

// RPC v1 ("signature method V2" in Alibaba's docs): HMAC-SHA1 over
//
//	METHOD & %2F & enc(CanonicalQuery(all parameters but Signature))
//
// keyed with AccessKeySecret + "&", base64-encoded, sent as the Signature
// query parameter.

// RPCTimestampLayout is the layout of the RPC Timestamp parameter (UTC).
const RPCTimestampLayout = "2006-01-02T15:04:05Z"

// rpcCommonKeys are the parameters SignRPC sets; an operation may not set them.
var rpcCommonKeys = [...]string{
	"Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion",
	"SignatureNonce", "Timestamp", "SecurityToken", "Signature",
}

// RPCStringToSign returns METHOD + "&%2F&" + PercentEncode(canonicalQuery),
// where canonicalQuery is CanonicalQuery of every parameter but Signature.
// A SignatureDoesNotMatch message quotes the server's version of this string
// (APIError.ServerStringToSign).
func RPCStringToSign(method, canonicalQuery string) string {
	return string(appendRPCStringToSign(nil, method, []byte(canonicalQuery)))
}

func appendRPCStringToSign(dst []byte, method string, canonicalQuery []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, "&%2F&"...)
	return appendPercentEncodedBytes(dst, canonicalQuery)
}

// RPCSignature returns base64(HMAC-SHA1(secret + "&", stringToSign)).
func RPCSignature(stringToSign, accessKeySecret string) string {
	mac := hmac.New(sha1.New, []byte(accessKeySecret+"&"))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// SignRPC signs an RPC-style request with RPC v1 and returns the complete
// URL query to send: the operation parameters of r.Query plus the common
// ones (Action, Version, Format=JSON, AccessKeyId, SignatureMethod,
// SignatureVersion, SignatureNonce, Timestamp, SecurityToken for STS) in
// canonical order, followed by Signature. r.Path, r.Host and the body are
// not part of an RPC v1 signature. An operation parameter that collides with
// a common one is an error matching ErrInvalidInput.
func SignRPC(r *Request, c Credentials, t time.Time, nonce string) (string, error) {
	if err := r.check(c, nonce); err != nil {
		return "", err
	}
	for _, k := range rpcCommonKeys {
		if _, ok := r.Query[k]; ok {
			return "", fmt.Errorf("%w: query parameter %q is set by the signer", ErrInvalidInput, k)
		}
	}
	var stack [24]param // enough for any operation here; more spills to the heap
	ps := stack[:0]
	for k, vs := range r.Query {
		for _, v := range vs {
			ps = append(ps, param{k, v})
		}
	}
	var ts [len(RPCTimestampLayout)]byte
	ps = append(ps,
		param{"Action", r.Action},
		param{"Version", r.Version},
		param{"Format", "JSON"},
		param{"AccessKeyId", c.AccessKeyID},
		param{"SignatureMethod", "HMAC-SHA1"},
		param{"SignatureVersion", "1.0"},
		param{"SignatureNonce", nonce},
		param{"Timestamp", string(t.UTC().AppendFormat(ts[:0], RPCTimestampLayout))},
	)
	if c.SecurityToken != "" {
		ps = append(ps, param{"SecurityToken", c.SecurityToken})
	}
	sortParams(ps)

	// One buffer, sized up front: the canonical query, then the string to
	// sign (the method, "&%2F&" and the query encoded again, at most three
	// times as long) with room after it for the HMAC key and sum, then the
	// signature after the query.
	qlen := canonicalQueryLen(ps)
	buf := make([]byte, 0, spare(4*qlen, r.Method, "&%2F&", c.AccessKeySecret, "&Signature=", upperHex))
	buf = appendCanonicalQuery(buf, ps)
	q := len(buf)
	buf = appendRPCStringToSign(buf, r.Method, buf[:q])
	var sig [28]byte // base64 of 20 bytes
	base64.StdEncoding.Encode(sig[:], hmacInto(buf[len(buf):], sha1.New, c.AccessKeySecret, "&", buf[q:]))
	buf = append(buf[:q], "&Signature="...)
	buf = appendPercentEncodedBytes(buf, sig[:])
	return string(buf), nil
}
