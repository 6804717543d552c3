package kms

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/alisecret/alisecret-go/internal/transport"
)

// instanceHTTPClient returns the HTTP client for the instance gateway:
// base unchanged when there is no CA to add; otherwise a copy of base (or of
// the default client) whose TLS settings trust the CA beside the roots base
// trusts, for host only.
func instanceHTTPClient(base HTTPClient, caPEM []byte, hostport string) (HTTPClient, error) {
	if len(caPEM) == 0 {
		if base == nil {
			return transport.DefaultHTTPClient(), nil
		}
		return base, nil
	}
	certs, err := parseCAs(caPEM)
	if err != nil {
		return nil, err
	}
	var hc *http.Client
	switch b := base.(type) {
	case nil:
		hc = transport.DefaultHTTPClient()
	case *http.Client:
		if b == nil {
			hc = transport.DefaultHTTPClient()
		} else {
			hc = b
		}
	default:
		return nil, optionError("InstanceCACert", "HTTPClient is a %T, to which the CA cannot be added: trust the CA in that client and leave InstanceCACert empty", base)
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return nil, optionError("InstanceCACert", "HTTPClient's Transport is a %T, to which the CA cannot be added: trust the CA in that transport and leave InstanceCACert empty", rt)
	}
	withCA := t.Clone()
	withCA.TLSClientConfig = trustFor(withCA.TLSClientConfig, certs, hostname(hostport))
	c := *hc
	c.Transport = &instanceRoundTripper{hostport: strings.ToLower(hostport), withCA: withCA, other: rt}
	return &c, nil
}

// instanceRoundTripper sends requests for the instance endpoint over the
// transport that trusts the instance CA, and any other request (a redirect
// the HTTP client follows elsewhere) over the caller's own.
type instanceRoundTripper struct {
	hostport string
	withCA   *http.Transport
	other    http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *instanceRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "https" && strings.EqualFold(r.URL.Host, t.hostport) {
		return t.withCA.RoundTrip(r)
	}
	return t.other.RoundTrip(r)
}

// CloseIdleConnections closes the idle connections of the CA transport.
func (t *instanceRoundTripper) CloseIdleConnections() { t.withCA.CloseIdleConnections() }

// parseCAs reads every CERTIFICATE block of caPEM; there must be at least
// one and nothing else but whitespace.
func parseCAs(caPEM []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := caPEM
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, optionError("InstanceCACert", "PEM block %d is a %q, not a CERTIFICATE", len(certs)+1, block.Type)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, optionError("InstanceCACert", "certificate %d does not parse: %v", len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	switch {
	case len(certs) == 0:
		return nil, optionError("InstanceCACert", "no PEM certificate found (want the instance CA, e.g. PrivateKmsCA_kst-*.pem)")
	case len(strings.TrimSpace(string(rest))) > 0:
		return nil, optionError("InstanceCACert", "text after certificate %d is not PEM", len(certs))
	}
	return certs, nil
}

// trustFor returns a copy of base that trusts certs beside base's roots
// (the system roots when base has none), but only for connections to
// host: a connection to any other name (an HTTPS proxy) must also verify
// against base's roots alone. A connection to an IP address carries no
// name; it is taken for the instance's when host is an IP address.
func trustFor(base *tls.Config, certs []*x509.Certificate, host string) *tls.Config {
	var cfg *tls.Config
	if base == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	} else {
		cfg = base.Clone()
	}
	baseRoots := cfg.RootCAs // nil: the system roots
	var pool *x509.CertPool
	if baseRoots != nil {
		pool = baseRoots.Clone()
	} else if sys, err := x509.SystemCertPool(); err == nil {
		pool = sys
	} else {
		pool = x509.NewCertPool() // no system roots here: the CA alone
	}
	for _, c := range certs {
		pool.AddCert(c)
	}
	cfg.RootCAs = pool
	if cfg.InsecureSkipVerify {
		return cfg // the caller chose not to verify; nothing to restrict
	}
	next := cfg.VerifyConnection
	cfg.VerifyConnection = func(cs tls.ConnectionState) error {
		other := !strings.EqualFold(cs.ServerName, host)
		if cs.ServerName == "" {
			other = net.ParseIP(host) == nil
		}
		if other {
			if err := verifyChain(cs, baseRoots); err != nil {
				return fmt.Errorf("kms: %q is not the instance endpoint, so InstanceCACert is not trusted for it: %w", cs.ServerName, err)
			}
		}
		if next != nil {
			return next(cs)
		}
		return nil
	}
	return cfg
}

func verifyChain(cs tls.ConnectionState, roots *x509.CertPool) error {
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no peer certificate")
	}
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, DNSName: cs.ServerName})
	return err
}
