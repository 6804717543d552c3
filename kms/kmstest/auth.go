package kmstest

import (
	"net/http"
	"net/url"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/signer"
)

// verifyRPC checks an RPC v1 request against gw's keys, window and nonces,
// and returns its parameters (query and form body merged).
func verifyRPC(gw *fakegw.Gateway, r *http.Request) (url.Values, *fakegw.Error) {
	if err := r.ParseForm(); err != nil {
		return nil, fakegw.ParseError(err)
	}
	params := r.Form
	for _, name := range []string{"Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"} {
		if params.Get(name) == "" {
			return nil, fakegw.Missing(name)
		}
	}
	if params.Get("SignatureMethod") != "HMAC-SHA1" || params.Get("SignatureVersion") != "1.0" {
		return nil, &fakegw.Error{Status: 400, Code: "InvalidParameter", Message: "Specified SignatureMethod or SignatureVersion is not valid."}
	}
	k, e := gw.Lookup(params.Get("AccessKeyId"))
	if e != nil {
		return nil, e
	}
	signed := url.Values{}
	for name, vs := range params {
		if name != "Signature" {
			signed[name] = vs
		}
	}
	sts := signer.RPCStringToSign(r.Method, signer.CanonicalQuery(signed))
	if signer.RPCSignature(sts, k.Secret) != params.Get("Signature") {
		return nil, &fakegw.Error{Status: 400, Code: "SignatureDoesNotMatch", Message: "Specified signature is not matched with our calculation. server string to sign is:" + sts}
	}
	if e := fakegw.CheckToken(k, params.Get("SecurityToken")); e != nil {
		return nil, e
	}
	ts, err := time.Parse(signer.RPCTimestampLayout, params.Get("Timestamp"))
	if err != nil {
		return nil, &fakegw.Error{Status: 400, Code: "InvalidTimeStamp.Format", Message: "Specified time stamp or date value is not well formatted."}
	}
	if e := gw.Admit(ts, params.Get("SignatureNonce")); e != nil {
		return nil, e
	}
	return params, nil
}
