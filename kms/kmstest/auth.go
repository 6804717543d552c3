package kmstest

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/signer"
)

// wireErr is an error answer: HTTP status, code and message.
type wireErr struct {
	status        int
	code, message string
}

func missing(name string) *wireErr {
	return &wireErr{400, "MissingParameter", `The input parameter "` + name + `" that is mandatory for processing this request is not supplied.`}
}

// authenticate verifies the request's signature, time window, nonce and
// credentials, and returns the operation's parameters and common ones
// (Action, Version) as one set.
func (s *Server) authenticate(r *http.Request) (url.Values, *wireErr) {
	if strings.HasPrefix(r.Header.Get("Authorization"), signer.ACS3Algorithm+" ") {
		return s.authenticateACS3(r)
	}
	return s.authenticateRPC(r)
}

func (s *Server) lookup(id string) (key, *wireErr) {
	for _, k := range s.keys {
		if k.id == id {
			return k, nil
		}
	}
	return key{}, &wireErr{404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."}
}

func checkToken(k key, token string) *wireErr {
	if k.token != token {
		return &wireErr{400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."}
	}
	return nil
}

// admit checks the time window and records the nonce.
func (s *Server) admit(ts time.Time, nonce string) *wireErr {
	now := s.now()
	if ts.Sub(now).Abs() > Window {
		return &wireErr{400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, used := s.nonces[nonce]; used {
		return &wireErr{400, "SignatureNonceUsed", "Specified signature nonce was used already."}
	}
	if len(s.nonces) > 4096 { // forget nonces that are out of the window anyway
		for n, seen := range s.nonces {
			if now.Sub(seen) > Window {
				delete(s.nonces, n)
			}
		}
	}
	s.nonces[nonce] = now
	return nil
}

func (s *Server) authenticateRPC(r *http.Request) (url.Values, *wireErr) {
	if err := r.ParseForm(); err != nil {
		return nil, &wireErr{400, "InvalidParameter", "The request could not be parsed."}
	}
	params := r.Form // query and form body, as the gateway merges them
	for _, name := range []string{"Action", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"} {
		if params.Get(name) == "" {
			return nil, missing(name)
		}
	}
	if params.Get("SignatureMethod") != "HMAC-SHA1" || params.Get("SignatureVersion") != "1.0" {
		return nil, &wireErr{400, "InvalidParameter", "Specified SignatureMethod or SignatureVersion is not valid."}
	}
	k, e := s.lookup(params.Get("AccessKeyId"))
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
	if signer.RPCSignature(sts, k.secret) != params.Get("Signature") {
		return nil, &wireErr{400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:" + sts}
	}
	if e := checkToken(k, params.Get("SecurityToken")); e != nil {
		return nil, e
	}
	ts, err := time.Parse(signer.RPCTimestampLayout, params.Get("Timestamp"))
	if err != nil {
		return nil, &wireErr{400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."}
	}
	if e := s.admit(ts, params.Get("SignatureNonce")); e != nil {
		return nil, e
	}
	return params, nil
}

// parseACS3Authorization splits "ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..".
func parseACS3Authorization(v string) (credential, signedHeaders, signature string) {
	for _, part := range strings.Split(strings.TrimPrefix(v, signer.ACS3Algorithm+" "), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch name {
		case "Credential":
			credential = value
		case "SignedHeaders":
			signedHeaders = value
		case "Signature":
			signature = value
		}
	}
	return credential, signedHeaders, signature
}

func (s *Server) authenticateACS3(r *http.Request) (url.Values, *wireErr) {
	credential, signedList, signature := parseACS3Authorization(r.Header.Get("Authorization"))
	if credential == "" || signedList == "" || signature == "" {
		return nil, &wireErr{400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."}
	}
	for _, name := range []string{"x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"} {
		if r.Header.Get(name) == "" {
			return nil, missing(name)
		}
	}
	k, e := s.lookup(credential)
	if e != nil {
		return nil, e
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, &wireErr{400, "InvalidParameter", "The request body could not be read."}
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != r.Header.Get("x-acs-content-sha256") {
		return nil, &wireErr{400, "ContentSHA256NotMatch", "The x-acs-content-sha256 header does not match the body."}
	}
	// Recompute over exactly the headers the client says it signed, and
	// insist that every x-acs-* header is among them.
	signedSet := map[string]bool{}
	for _, name := range strings.Split(signedList, ";") {
		signedSet[name] = true
	}
	h := http.Header{}
	for name, vs := range r.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-acs-") && !signedSet[lower] {
			return nil, &wireErr{400, "IncompleteSignature", "Header " + lower + " is not signed."}
		}
		if signedSet[lower] {
			h[name] = vs
		}
	}
	host := ""
	if signedSet["host"] {
		host = r.Host
	}
	query := r.URL.Query()
	canonical, computedList := signer.ACS3CanonicalRequest(r.Method, host, r.URL.Path, query, h, r.Header.Get("x-acs-content-sha256"))
	sts := signer.ACS3StringToSign(canonical)
	if computedList != signedList || signer.ACS3Signature(sts, k.secret) != signature {
		return nil, &wireErr{400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:" + sts}
	}
	if e := checkToken(k, r.Header.Get("x-acs-security-token")); e != nil {
		return nil, e
	}
	ts, err := time.Parse(signer.ACS3DateLayout, r.Header.Get("x-acs-date"))
	if err != nil {
		return nil, &wireErr{400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."}
	}
	if e := s.admit(ts, r.Header.Get("x-acs-signature-nonce")); e != nil {
		return nil, e
	}
	query.Set("Action", r.Header.Get("x-acs-action"))
	query.Set("Version", r.Header.Get("x-acs-version"))
	return query, nil
}
