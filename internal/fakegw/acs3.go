package fakegw

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

// IsACS3 reports whether r carries an ACS3-HMAC-SHA256 Authorization.
func IsACS3(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), signer.ACS3Algorithm+" ")
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

// VerifyACS3 checks an ACS3-signed request: the signature over exactly the
// headers it lists (every x-acs-* header must be among them), the body
// hash, the token, the time window and the nonce. It returns the query
// parameters plus Action and Version from the headers.
func (g *Gateway) VerifyACS3(r *http.Request) (url.Values, *Error) {
	credential, signedList, signature := parseACS3Authorization(r.Header.Get("Authorization"))
	if credential == "" || signedList == "" || signature == "" {
		return nil, &Error{400, "IncompleteSignature", "The request signature does not conform to Aliyun standards."}
	}
	for _, name := range []string{"x-acs-action", "x-acs-version", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"} {
		if r.Header.Get(name) == "" {
			return nil, Missing(name)
		}
	}
	k, e := g.Lookup(credential)
	if e != nil {
		return nil, e
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, ParseError(err)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != r.Header.Get("x-acs-content-sha256") {
		return nil, &Error{400, "ContentSHA256NotMatch", "The x-acs-content-sha256 header does not match the body."}
	}
	signedSet := map[string]bool{}
	for _, name := range strings.Split(signedList, ";") {
		signedSet[name] = true
	}
	h := http.Header{}
	for name, vs := range r.Header {
		lower := strings.ToLower(name)
		if strings.HasPrefix(lower, "x-acs-") && !signedSet[lower] {
			return nil, &Error{400, "IncompleteSignature", "Header " + lower + " is not signed."}
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
	if computedList != signedList || signer.ACS3Signature(sts, k.Secret) != signature {
		return nil, &Error{400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:" + sts}
	}
	if e := CheckToken(k, r.Header.Get("x-acs-security-token")); e != nil {
		return nil, e
	}
	ts, err := time.Parse(signer.ACS3DateLayout, r.Header.Get("x-acs-date"))
	if err != nil {
		return nil, &Error{400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."}
	}
	if e := g.Admit(ts, r.Header.Get("x-acs-signature-nonce")); e != nil {
		return nil, e
	}
	query.Set("Action", r.Header.Get("x-acs-action"))
	query.Set("Version", r.Header.Get("x-acs-version"))
	return query, nil
}
