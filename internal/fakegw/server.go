package fakegw

import (
	"net/http"
	"net/http/httptest"

	"github.com/alisecret/alisecret-go/signer"
)

// Server is the part of kmstest.Server and saetest.Server that listens: an
// httptest server for the fake's handler, plain HTTP or TLS.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:54321.
	URL string

	hs *httptest.Server
}

// Start serves h on a loopback port, with a self-signed certificate when
// tls is set. Close it when done.
func Start(h http.Handler, tls bool) *Server {
	s := &Server{}
	if tls {
		s.hs = httptest.NewTLSServer(h)
	} else {
		s.hs = httptest.NewServer(h)
	}
	s.URL = s.hs.URL
	return s
}

// Close shuts the server down and closes its connections.
func (s *Server) Close() { s.hs.Close() }

// HTTPClient returns an HTTP client for the server (trusting its TLS
// certificate).
func (s *Server) HTTPClient() *http.Client { return s.hs.Client() }

// Credentials returns a provider of the gateway's first access key.
func (g *Gateway) Credentials() signer.CredentialsProvider {
	k := g.Keys[0]
	return signer.StaticCredentials(k.ID, k.Secret, k.Token)
}
