package signer_test

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/signer"
)

// A SignatureDoesNotMatch answer quotes the string to sign the service
// computed. Compare it with your own request's: the first difference names
// the culprit. Here a proxy on the way turned a space into a "+", so the
// service saw another SecretName than the one signed.
func Example_signatureDoesNotMatch() {
	req := &signer.Request{Method: "POST", Action: "GetSecretValue", Version: "2016-01-20",
		Query: url.Values{"SecretName": {"prod/db password"}}}
	creds := signer.Credentials{AccessKeyID: "testid", AccessKeySecret: "testsecret"}
	query, err := signer.SignRPC(req, creds, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), "0123456789abcdef")
	if err != nil {
		fmt.Println(err)
		return
	}
	// Our string to sign: every parameter sent but Signature.
	sent, _ := url.ParseQuery(query)
	sent.Del("Signature")
	ours := signer.RPCStringToSign(req.Method, signer.CanonicalQuery(sent))

	// The service's answer, built by hand here as the proxy would cause it.
	seen := maps.Clone(sent)
	seen.Set("SecretName", "prod/db+password")
	err = &signer.APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 400, Code: "SignatureDoesNotMatch",
		Message: "Specified signature is not matched with our calculation. server string to sign is:" +
			signer.RPCStringToSign("POST", signer.CanonicalQuery(seen))}

	var apiErr *signer.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "SignatureDoesNotMatch" {
		return
	}
	server := apiErr.ServerStringToSign()
	if server == ours {
		fmt.Println("the strings match: the secret is wrong")
		return
	}
	i := 0
	for i < len(ours) && i < len(server) && ours[i] == server[i] {
		i++
	}
	// The parameter the difference falls in starts after an encoded "&".
	start := strings.LastIndex(ours[:i], "%26") + len("%26")
	fmt.Println("first difference at byte", i)
	fmt.Println("ours:  ", parameter(ours[start:]))
	fmt.Println("server:", parameter(server[start:]))
	// Output:
	// first difference at byte 102
	// ours:   SecretName=prod%2Fdb%20password
	// server: SecretName=prod%2Fdb%2Bpassword
}

// parameter returns the first parameter of s, part of a string to sign, as
// it reads in the canonical query.
func parameter(s string) string {
	s, _, _ = strings.Cut(s, "%26")
	p, _ := url.PathUnescape(s)
	return p
}
