package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/alisecret/alisecret-go/internal/testca"
)

// timeouts of the server; the flags set them.
type timeouts struct {
	read, write, idle time.Duration
}

// shutdownGrace is how long a stop waits for requests in flight.
const shutdownGrace = 5 * time.Second

// newServer is the HTTP server for h: bounded headers, and every phase of a
// connection timed, so that a slow or idle client cannot hold it.
func newServer(h http.Handler, t timeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, t.read),
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		MaxHeaderBytes:    64 << 10,
	}
}

// tlsConfig makes a CA, writes its PEM to caOut (when set) and returns a
// configuration serving a certificate it issued for the loopback names
// and hosts.
func tlsConfig(caOut string, hosts []string) (*tls.Config, error) {
	ca, err := testca.New("alisecret fakeserver CA")
	if err != nil {
		return nil, err
	}
	cert, err := ca.Issue(append(append([]string(nil), testca.Loopback...), hosts...)...)
	if err != nil {
		return nil, err
	}
	if caOut != "" {
		if err := os.WriteFile(caOut, ca.PEM(), 0o644); err != nil {
			return nil, fmt.Errorf("-ca-out: %w", err)
		}
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// baseURL is the URL to print for a listener: an unspecified address
// (":8088") is reached on 127.0.0.1.
func baseURL(scheme string, addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return scheme + "://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// conns follows the server's connections, so that a stop can close the
// ones that have not sent a request yet at once: http.Server.Shutdown
// closes idle keep-alive connections, but waits up to 5 s for new ones.
type conns struct {
	mu    sync.Mutex
	state map[net.Conn]http.ConnState
}

func (c *conns) track(conn net.Conn, st http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == nil {
		c.state = map[net.Conn]http.ConnState{}
	}
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(c.state, conn)
	default:
		c.state[conn] = st
	}
}

func (c *conns) closeWaiting() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for conn, st := range c.state {
		if st == http.StateNew || st == http.StateIdle {
			_ = conn.Close()
		}
	}
}

// serve serves on ln until ctx ends, then stops: new and idle connections
// are closed at once, requests in flight get shutdownGrace to finish.
func serve(ctx context.Context, hs *http.Server, ln net.Listener) error {
	var cs conns
	hs.ConnState = cs.track
	hs.RegisterOnShutdown(cs.closeWaiting)
	done := make(chan error, 1)
	go func() {
		if hs.TLSConfig != nil {
			done <- hs.ServeTLS(ln, "", "")
		} else {
			done <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(stop); err != nil {
		_ = hs.Close()
	}
	return nil
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
