package signer

import (
	"encoding/base64"
	"fmt"
	"net/url"
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
	mac := hmacSHA1(accessKeySecret, "&", []byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac[:])
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
	var stack [24]Param // enough for any operation here; more spills to the heap
	ps := appendParams(stack[:0], r.Query)
	var ts [len(RPCTimestampLayout)]byte
	ps = append(ps,
		Param{"Action", r.Action},
		Param{"Version", r.Version},
		Param{"Format", "JSON"},
		Param{"AccessKeyId", c.AccessKeyID},
		Param{"SignatureMethod", "HMAC-SHA1"},
		Param{"SignatureVersion", "1.0"},
		Param{"SignatureNonce", nonce},
		Param{"Timestamp", string(t.UTC().AppendFormat(ts[:0], RPCTimestampLayout))},
	)
	if c.SecurityToken != "" {
		ps = append(ps, Param{"SecurityToken", c.SecurityToken})
	}
	sortParams(ps)

	query, sts := getBuf(), getBuf()
	defer putBuf(query)
	defer putBuf(sts)
	query.b = appendCanonicalQuery(query.b, ps)
	sts.b = appendRPCStringToSign(sts.b, r.Method, query.b)
	mac := hmacSHA1(c.AccessKeySecret, "&", sts.b)
	var sig [28]byte // base64 of 20 bytes
	base64.StdEncoding.Encode(sig[:], mac[:])
	query.b = append(query.b, "&Signature="...)
	query.b = appendPercentEncodedBytes(query.b, sig[:])
	return string(query.b), nil
}

// RPCCanonicalQuery is CanonicalQuery, named for the RPC v1 stage.
func RPCCanonicalQuery(params url.Values) string { return CanonicalQuery(params) }
