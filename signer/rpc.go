package signer

import (
	"crypto/hmac"
	"crypto/sha1" // #nosec G505 -- HMAC-SHA1 is what RPC v1 specifies.
	"encoding/base64"
	"fmt"
	"maps"
	"net/url"
	"time"
)

// RPCTimestampLayout is the layout of the RPC Timestamp parameter (UTC).
const RPCTimestampLayout = "2006-01-02T15:04:05Z"

// rpcCommonKeys are the parameters SignRPC sets; an operation may not set them.
var rpcCommonKeys = []string{
	"Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion",
	"SignatureNonce", "Timestamp", "SecurityToken", "Signature",
}

// RPCStringToSign returns METHOD + "&%2F&" + PercentEncode(canonicalQuery),
// where canonicalQuery is [CanonicalQuery] of every parameter but
// Signature. A SignatureDoesNotMatch message quotes the server's version of
// this string ([APIError.ServerStringToSign]).
func RPCStringToSign(method, canonicalQuery string) string {
	return method + "&%2F&" + PercentEncode(canonicalQuery)
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
// not part of an RPC v1 signature. An operation parameter that collides
// with a common one is an error matching [ErrInvalidInput]; so is a
// Request without Method, Action or Version, or an empty nonce. Empty
// credentials are an error matching [ErrInvalidCredentials].
func SignRPC(r *Request, c Credentials, t time.Time, nonce string) (string, error) {
	if err := r.check(c, nonce); err != nil {
		return "", err
	}
	for _, k := range rpcCommonKeys {
		if _, ok := r.Query[k]; ok {
			return "", fmt.Errorf("%w: query parameter %q is set by the signer", ErrInvalidInput, k)
		}
	}
	q := url.Values{}
	maps.Copy(q, r.Query) // the caller's map stays as it was
	q.Set("Action", r.Action)
	q.Set("Version", r.Version)
	q.Set("Format", "JSON")
	q.Set("AccessKeyId", c.AccessKeyID)
	q.Set("SignatureMethod", "HMAC-SHA1")
	q.Set("SignatureVersion", "1.0")
	q.Set("SignatureNonce", nonce)
	q.Set("Timestamp", t.UTC().Format(RPCTimestampLayout))
	if c.SecurityToken != "" {
		q.Set("SecurityToken", c.SecurityToken)
	}
	query := CanonicalQuery(q)
	sig := RPCSignature(RPCStringToSign(r.Method, query), c.AccessKeySecret)
	return query + "&Signature=" + PercentEncode(sig), nil
}
