package saetest

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/signer"
)

// verifyROA checks a ROA v1 request as the gateway does and returns its
// query parameters plus Action (empty when x-acs-action is not sent: the
// gateway routes by method and path) and Version from the headers. The
// nonce is optional, as on the real gateway: the classic
// alibaba-cloud-sdk-go and the aliyun CLI send none on ROA, and then only
// the time window limits replay; a nonce that is sent must be fresh.
func (h *Handler) verifyROA(r *http.Request) (url.Values, *fakegw.Error) {
	auth := r.Header.Get("Authorization")
	id, sig, ok := strings.Cut(strings.TrimPrefix(auth, "acs "), ":")
	if !strings.HasPrefix(auth, "acs ") || !ok || id == "" || sig == "" {
		return nil, &fakegw.Error{Status: 400, Code: "IncompleteSignature", Message: "The request signature does not conform to Aliyun standards."}
	}
	for _, name := range []string{"Date", "x-acs-signature-method", "x-acs-signature-version", "x-acs-version"} {
		if r.Header.Get(name) == "" {
			return nil, fakegw.Missing(name)
		}
	}
	if r.Header.Get("x-acs-signature-method") != "HMAC-SHA1" || r.Header.Get("x-acs-signature-version") != "1.0" {
		return nil, &fakegw.Error{Status: 400, Code: "InvalidParameter", Message: "Specified signature method or version is not valid."}
	}
	k, e := h.gw.Lookup(id)
	if e != nil {
		return nil, e
	}
	query := r.URL.Query()
	sts := signer.ROAStringToSign(r.Method, r.Header, signer.ROACanonicalResource(r.URL.Path, query))
	if signer.ROASignature(sts, k.Secret) != sig {
		return nil, &fakegw.Error{Status: 400, Code: "SignatureDoesNotMatch", Message: "Specified signature is not matched with our calculation. server string to sign is:" + sts}
	}
	if e := fakegw.CheckToken(k, r.Header.Get("x-acs-security-token")); e != nil {
		return nil, e
	}
	ts, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil || !strings.HasSuffix(r.Header.Get("Date"), " GMT") {
		return nil, &fakegw.Error{Status: 400, Code: "InvalidTimeStamp.Format", Message: "The Date header must be an RFC 1123 time in GMT."}
	}
	if e := h.gw.AdmitOptionalNonce(ts, r.Header.Get("x-acs-signature-nonce")); e != nil {
		return nil, e
	}
	query.Set("Action", r.Header.Get("x-acs-action"))
	query.Set("Version", r.Header.Get("x-acs-version"))
	return query, nil
}
