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
package saetest

import (
	"net/http"
	"sync"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// Default credentials of a Server built without WithAccessKey or WithSTS.
const (
	DefaultAccessKeyID     = "LTAI5tSaeTestAccessKey"
	DefaultAccessKeySecret = "saetest-access-key-secret"
)

// Window is how far a request's Date may be from the server's clock.
const Window = fakegw.Window

// Server is a fake SAE endpoint. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:54321.
	URL string

	hs *fakegw.Server
	gw *fakegw.Gateway

	mu         sync.Mutex
	secrets    map[int64]*Secret
	namespaces map[string]bool
	nextID     int64
}

type config struct {
	keys []fakegw.Key
	now  func() time.Time
	tls  bool
}

// Option configures NewServer.
type Option func(*config)

// WithAccessKey adds an access key pair the server accepts. The first key
// given is the one Client and Credentials use.
func WithAccessKey(id, secret string) Option {
	return func(c *config) { c.keys = append(c.keys, fakegw.Key{ID: id, Secret: secret}) }
}

// WithSTS adds STS credentials: requests with this access key id must carry
// this security token.
func WithSTS(id, secret, token string) Option {
	return func(c *config) { c.keys = append(c.keys, fakegw.Key{ID: id, Secret: secret, Token: token}) }
}

// WithClock sets the server's clock. Default: time.Now.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithTLS serves HTTPS with a certificate the client from Client trusts.
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
	s := &Server{secrets: map[int64]*Secret{}, namespaces: map[string]bool{}}
	s.gw = &fakegw.Gateway{Product: "sae", Keys: cfg.keys, Now: cfg.now, WriteFault: s.writeEnvelopeError}
	s.hs = fakegw.Start(http.HandlerFunc(s.serveHTTP), cfg.tls)
	s.URL = s.hs.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.hs.Close() }

// Credentials returns a provider of the server's first access key.
func (s *Server) Credentials() signer.CredentialsProvider {
	return s.gw.Credentials()
}

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

// Requests returns how many requests the server has received.
func (s *Server) Requests() int { return s.gw.Requests() }

// Fault scripts the answer to one request. Delay waits first (ending early
// if the client gives up). Date sets the answer's Date header. Then:
//   - Reset alone drops the connection before any byte of the answer;
//   - Body (or BodySize bytes of "x") with ContentType and Status (default
//     200) is sent raw; with Reset too, the headers promise the whole body,
//     ResetAfter bytes of it are sent and the connection is dropped;
//   - Code and Message (Status default 500) are sent as SAE's envelope ("Success": false, ErrorCode); Status 200 with a
//     Code gives the HTTP 200 failure SAE can send;
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
		params, e = s.verifyROA(r)
	}
	if e != nil {
		s.gw.WriteError(w, r, e.Status, e.Code, e.Message)
		return
	}
	get := func(k string) string {
		if vs := params[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	switch {
	case get("Version") != sae.APIVersion:
		s.gw.WriteError(w, r, 400, "InvalidVersion", "Specified parameter Version is not valid.")
	case r.Method == http.MethodGet && r.URL.Path == sae.DescribeSecretPath && get("Action") == "DescribeSecret":
		s.describeSecret(w, r, get)
	case r.Method == http.MethodGet && r.URL.Path == sae.ListSecretsPath && get("Action") == "ListSecrets":
		s.listSecrets(w, r, get)
	default:
		s.gw.WriteError(w, r, 404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	}
}
