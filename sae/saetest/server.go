// Package saetest provides an in-process SAE server for tests, in the
// manner of net/http/httptest: it serves GET /pop/v1/sam/secret/secret,
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
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
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

	hs *httptest.Server
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
	if cfg.tls {
		s.hs = httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
	} else {
		s.hs = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	}
	s.URL = s.hs.URL
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.hs.Close() }

// Credentials returns a provider of the server's first access key.
func (s *Server) Credentials() signer.CredentialsProvider {
	k := s.gw.Keys[0]
	return signer.StaticCredentials(k.ID, k.Secret, k.Token)
}

// HTTPClient returns an HTTP client for the server.
func (s *Server) HTTPClient() *http.Client { return s.hs.Client() }

// Client returns an sae.Client pointed at the server with its first access
// key. Retries back off at most 10ms unless optFns say otherwise.
func (s *Server) Client(optFns ...func(*sae.Options)) (*sae.Client, error) {
	return sae.New(sae.Options{
		Endpoint:        s.URL,
		Credentials:     s.Credentials(),
		HTTPClient:      s.hs.Client(),
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
type Fault struct {
	Status      int
	Code        string
	Message     string
	Body        string
	ContentType string
	BodySize    int
	Delay       time.Duration
	Reset       bool
	ResetAfter  int
	Date        time.Time
}

// FailNext queues faults: each of the next requests takes the next one.
func (s *Server) FailNext(faults ...Fault) {
	for _, f := range faults {
		s.gw.FailNext(fakegw.Fault(f))
	}
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
	case r.Method != http.MethodGet || r.URL.Path != sae.Path || get("Action") != "DescribeSecret":
		s.gw.WriteError(w, r, 404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	default:
		s.describeSecret(w, r, get)
	}
}

func (s *Server) describeSecret(w http.ResponseWriter, r *http.Request, get func(string) string) {
	ns, idText := get("NamespaceId"), get("SecretId")
	if ns == "" || idText == "" {
		s.writeEnvelopeError(w, r, 400, "InvalidParameter.NotEmpty", "The parameters NamespaceId and SecretId cannot be empty.")
		return
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		s.writeEnvelopeError(w, r, 400, "InvalidParameter.Obviously", "The SecretId parameter is invalid.")
		return
	}
	s.mu.Lock()
	known := s.namespaces[ns]
	sec, found := s.secrets[id]
	var c Secret
	if found {
		c = *sec
		c.SecretData, c.RelateApps = cloneMap(sec.SecretData), slices.Clone(sec.RelateApps)
	}
	s.mu.Unlock()
	switch {
	case !known:
		s.writeEnvelopeError(w, r, 404, "InvalidNamespaceId.NotFound", "The specified namespace ID does not exist.")
		return
	case !found || c.NamespaceID != ns:
		s.writeEnvelopeError(w, r, 400, "InvalidSecretId.NotFound", "The specified secret does not exist.")
		return
	}
	apps := []map[string]string{}
	for _, a := range c.RelateApps {
		apps = append(apps, map[string]string{"AppId": a.AppID, "AppName": a.AppName})
	}
	data := map[string]any{
		"NamespaceId": c.NamespaceID,
		"SecretId":    c.SecretID,
		"SecretName":  c.SecretName,
		"SecretType":  orString(c.SecretType, "Opaque"),
		"SecretData":  c.SecretData,
		"CreateTime":  c.CreateTime.UnixMilli(),
		"UpdateTime":  c.UpdateTime.UnixMilli(),
		"RelateApps":  apps,
	}
	if c.CreateTime.IsZero() {
		data["CreateTime"] = 0
	}
	if c.UpdateTime.IsZero() {
		data["UpdateTime"] = 0
	}
	s.gw.WriteJSON(w, http.StatusOK, map[string]any{
		"Code": "200", "Message": "success", "Success": true, "TraceId": s.traceID(), "Data": data,
	})
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (s *Server) traceID() string { return fmt.Sprintf("0a%030d", s.gw.Requests()) }

// writeEnvelopeError answers in SAE's envelope: Code echoes the HTTP
// status, ErrorCode carries the error code, Success is false.
func (s *Server) writeEnvelopeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	body := map[string]any{
		"Code": strconv.Itoa(status), "ErrorCode": code, "Message": message, "Success": false,
		"TraceId": s.traceID(), "Data": json.RawMessage("null"),
	}
	s.gw.WriteJSON(w, status, body)
}
