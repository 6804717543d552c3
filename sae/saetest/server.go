// Package saetest provides an in-process SAE server for tests, in the
// manner of net/http/httptest: it serves DescribeSecret (GET
// /pop/v1/sam/secret/secret) and ListSecrets (GET /pop/v1/sam/secret/secrets),
// verifies ROA v1 and ACS3 signatures with this module's signer against
// the access keys it was given (with the gateway's 15-minute window and
// nonce replay check), serves secrets the test puts in, answers with SAE's
// envelope and error codes, and can be told to fail the next requests.
//
//	srv := saetest.NewServer()
//	defer srv.Close()
//	id, _ := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretName: "db",
//		SecretData: map[string]string{"password": "czNjcjN0"}})
//	client, err := srv.Client()
//	out, err := client.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: id})
//
// Like the SAE gateway, it routes a ROA request by method and path: the
// x-acs-action header may be left out (the aliyun CLI sends none), and
// when it is sent it must name the path's operation. A ROA v1 request may
// also come without a nonce (the classic alibaba-cloud-sdk-go and the CLI
// send none); its Date must then still be within the window, and a nonce
// that is sent is used once.
//
// NewHandler gives the same fake as an http.Handler without a listener of
// its own, to mount on a server or mux of the test's (examples/fakeserver
// serves it under /pop/ beside kmstest's).
package saetest

import (
	"net/http"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/sae"
)

// Default credentials of a Server built without WithAccessKey or WithSTS.
const (
	DefaultAccessKeyID     = "LTAI5tSaeTestAccessKey"
	DefaultAccessKeySecret = "saetest-access-key-secret"
)

// Window is how far a request's Date may be from the server's clock.
const Window = fakegw.Window

// Server is a fake SAE endpoint listening on a loopback port: a Handler
// (whose methods it has) served by an httptest server. Its methods are
// safe for concurrent use.
type Server struct {
	*Handler

	// URL is the base URL, e.g. http://127.0.0.1:54321.
	URL string

	hs *fakegw.Server
}

// NewServer starts a server with a NewHandler(opts...). Close it when done.
func NewServer(opts ...Option) *Server {
	h := NewHandler(opts...)
	s := &Server{Handler: h, hs: fakegw.Start(h, h.tls)}
	s.URL = s.hs.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.hs.Close() }

// HTTPClient returns an HTTP client for the server.
func (s *Server) HTTPClient() *http.Client { return s.hs.HTTPClient() }

// Client returns an sae.Client pointed at the server with its first access
// key. Retries back off at most 10ms unless optFns say otherwise.
func (s *Server) Client(optFns ...func(*sae.Options)) (*sae.Client, error) {
	return sae.New(sae.Options{
		Endpoint:        s.URL,
		Credentials:     s.Credentials(),
		HTTPClient:      s.hs.HTTPClient(),
		RetryMaxBackoff: 10 * time.Millisecond,
	}, optFns...)
}
