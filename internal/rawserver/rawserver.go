// Package rawserver is a loopback server for client tests that answers
// every request with whatever status and body the test last set, and
// records the last request: for feeding documented, malformed or fuzzed
// answers to the real clients. Fixture loads the documented ones.
package rawserver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
)

// Server answers with the status and body last set. Safe for concurrent use.
type Server struct {
	URL string

	mu     sync.Mutex
	status int
	body   []byte
	last   *http.Request
}

// New starts a server answering 200 with an empty body; it closes when the
// test ends.
func New(tb testing.TB) *Server {
	s := &Server{status: http.StatusOK}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		status, body := s.status, s.body
		s.last = r.Clone(context.Background())
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	tb.Cleanup(hs.Close)
	s.URL = hs.URL
	return s
}

// Set makes every later request get status and body.
func (s *Server) Set(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

// Last returns a copy of the last request received, or nil.
func (s *Server) Last() *http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last
}

// Fixture returns the body of testdata/name, a JSON file {"source": ...,
// "body": ...} that records where the documented answer came from. A
// fixture without a source fails the test.
func Fixture(tb testing.TB, name string) []byte {
	tb.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	var f struct {
		Source string          `json:"source"`
		Body   json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		tb.Fatalf("fixture %s: %v", name, err)
	}
	if f.Source == "" || len(f.Body) == 0 {
		tb.Fatalf("fixture %s: needs a source and a body", name)
	}
	return f.Body
}
