// Package kmstest provides an in-process KMS server for tests, in the
// manner of net/http/httptest: it speaks the wire format, verifies RPC v1
// and ACS3 signatures with this module's signer against the access keys it
// was given (with the gateway's 15-minute window and nonce replay check),
// serves secrets the test puts in, answers with the documented error
// bodies, and can be told to fail the next requests.
//
//	srv := kmstest.NewServer()
//	defer srv.Close()
//	srv.PutSecretValue("db-password", "s3cr3t")
//	client, err := srv.Client()
//	out, err := client.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db-password"})
//
// It serves GetSecretValue, DescribeSecret, ListSecretVersionIds,
// ListSecrets and BatchGetSecretValue. The batch takes SecretsList as KMS
// documents it (a JSON array of 1 to 20 {SecretName, VersionStage,
// VersionId, FetchExtendedConfig} items, the flag the string "true" or
// "false") by GET or POST, and answers each secret, stage or version it
// does not hold with an item of Errors (Forbidden.ResourceNotFound, 404)
// while the request itself succeeds. The listings page as KMS documents (PageNumber from 1,
// PageSize 1-100, default 10 for secrets and 20 for versions), list
// secrets in name order and versions in the order PutSecret gave them,
// and leave out versions without stages unless IncludeDeprecated is set.
// ListSecrets filters like KMS: a secret must match every filter, and a
// filter when one of its values matches; SecretName and Description match
// a value they contain, TagKey, TagValue, DKMSInstanceId, SecretType and
// Creator (Secret fields Tags, DKMSInstanceID, Type, Creator) an equal
// one.
//
// Server.StartInstance adds a KMS instance gateway in front of the same
// secrets, served over TLS with a private CA the test gets as PEM
// (Instance.CACertPEM) for kms.Options.InstanceCACert.
//
// NewHandler gives the same fake as an http.Handler without a listener of
// its own, to mount on a server or mux of the test's (examples/fakeserver
// serves it beside saetest's on one port).
package kmstest

import (
	"net/http"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms"
)

// Default credentials of a Server built without WithAccessKey or WithSTS.
const (
	DefaultAccessKeyID     = "LTAI5tKmsTestAccessKey"
	DefaultAccessKeySecret = "kmstest-access-key-secret"
)

// Region and AccountID appear in the ARNs the server reports.
const (
	Region    = "cn-hangzhou"
	AccountID = "1234567890123456"
)

// Window is how far a request's timestamp may be from the server's clock.
const Window = fakegw.Window

// Server is a fake KMS endpoint listening on a loopback port: a Handler
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

// Close shuts the server down and closes its connections.
func (s *Server) Close() { s.hs.Close() }

// HTTPClient returns an HTTP client for the server (trusting its TLS
// certificate under WithTLS).
func (s *Server) HTTPClient() *http.Client { return s.hs.HTTPClient() }

// Client returns a kms.Client pointed at the server with its first access
// key. Retries back off at most 10ms unless optFns say otherwise, so tests
// of failures stay fast.
func (s *Server) Client(optFns ...func(*kms.Options)) (*kms.Client, error) {
	return kms.New(kms.Options{
		Endpoint:        s.URL,
		Credentials:     s.Credentials(),
		HTTPClient:      s.hs.HTTPClient(),
		RetryMaxBackoff: 10 * time.Millisecond,
	}, optFns...)
}
