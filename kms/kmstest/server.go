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
package kmstest

import (
	"net/http"
	"sync"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
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

// Server is a fake KMS endpoint. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:54321.
	URL string

	hs *fakegw.Server
	gw *fakegw.Gateway

	mu      sync.Mutex
	secrets map[string]*Secret
}

type config struct {
	keys  []fakegw.Key
	now   func() time.Time
	tls   bool
	limit *fakegw.RateLimit // WithRateLimit
}

// Option configures NewServer.
type Option func(*config)

// WithAccessKey adds an access key pair the server accepts. The first key
// given is the one Client and Credentials use.
func WithAccessKey(id, secret string) Option {
	return func(c *config) { c.keys = append(c.keys, fakegw.Key{ID: id, Secret: secret}) }
}

// WithSTS adds STS credentials the server accepts: requests with this
// access key id must carry this security token.
func WithSTS(id, secret, token string) Option {
	return func(c *config) { c.keys = append(c.keys, fakegw.Key{ID: id, Secret: secret, Token: token}) }
}

// WithClock sets the server's clock, which checks request timestamps and
// fills the Date header. Default: time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTLS serves HTTPS with a self-signed certificate that the client from
// Client trusts.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// NewServer starts a server. Close it when done.
func NewServer(opts ...Option) *Server {
	cfg := config{now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.keys) == 0 {
		cfg.keys = []fakegw.Key{{ID: DefaultAccessKeyID, Secret: DefaultAccessKeySecret}}
	}
	s := &Server{gw: &fakegw.Gateway{Product: "Kms", Keys: cfg.keys, Now: cfg.now, Limit: cfg.limit}, secrets: map[string]*Secret{}}
	s.hs = fakegw.Start(http.HandlerFunc(s.serveHTTP), cfg.tls)
	s.URL = s.hs.URL
	return s
}

// Close shuts the server down and closes its connections.
func (s *Server) Close() { s.hs.Close() }

// Credentials returns a provider of the server's first access key.
func (s *Server) Credentials() signer.CredentialsProvider {
	return s.gw.Credentials()
}

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

// Requests returns how many requests the server has received, including
// the ones it failed or rejected.
func (s *Server) Requests() int { return s.gw.Requests() }

// Fault scripts the answer to one request. Delay waits first (ending early
// if the client gives up). Date sets the answer's Date header. Then:
//   - Reset alone drops the connection before any byte of the answer;
//   - Body (or BodySize bytes of "x") with ContentType and Status (default
//     200) is sent raw; with Reset too, the headers promise the whole body,
//     ResetAfter bytes of it are sent and the connection is dropped;
//   - Code and Message (Status default 500) are sent as the gateway's JSON error body;
//   - with none of those, the normal answer follows (so a Fault with only
//     Delay or Date changes just that).
//
// Its fields: Status int; Code, Message, Body, ContentType string;
// BodySize int; Delay time.Duration; Reset bool; ResetAfter int; Date
// time.Time. Fault is the same type in kmstest and saetest.
type Fault = fakegw.Fault

// FailNext queues faults: each of the next requests takes the next one.
func (s *Server) FailNext(faults ...Fault) {
	s.gw.FailNext(faults...)
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.gw.Begin(w, r) {
		return
	}
	var (
		params map[string][]string
		e      *fakegw.Error
	)
	if fakegw.IsACS3(r) {
		params, e = s.gw.VerifyACS3(r)
	} else {
		params, e = s.verifyRPC(r)
	}
	if e != nil {
		s.gw.WriteError(w, r, e.Status, e.Code, e.Message)
		return
	}
	s.dispatch(w, r, params)
}
