package kms

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/alisecret/alisecret-go/internal/transport"
)

// instance is the transport for the instance gateway and its HTTP client,
// which calls that keep the instance settings reuse.
type instance struct {
	tc   *transport.Client
	http HTTPClient
}

// newInstance validates the instance options and builds the instance
// transport as a variant of shared (sharing its credentials, limiter and
// clock offset); nil when o.InstanceEndpoint is empty.
func newInstance(o Options, shared *transport.Client) (*instance, error) {
	if o.InstanceEndpoint == "" {
		return nil, nil
	}
	scheme, host, err := transport.ResolveEndpoint("kms", "", "", o.InstanceEndpoint)
	if err != nil {
		return nil, optionError("InstanceEndpoint", "not a base URL (https://host[:port], no user info, path or query) or a bare host")
	}
	if scheme == "http" && !o.InstanceAllowHTTP {
		return nil, optionError("InstanceEndpoint", "%q is plain http: an instance gateway is reached over TLS; set InstanceAllowHTTP to send the requests unencrypted", o.InstanceEndpoint)
	}
	hc, err := instanceHTTPClient(o.HTTPClient, o.InstanceCACert, host)
	if err != nil {
		return nil, err
	}
	o.Endpoint, o.HTTPClient = o.InstanceEndpoint, hc
	tc, err := shared.With(o)
	if err != nil {
		return nil, err
	}
	return &instance{tc: tc, http: hc}, nil
}

func nothing() {}

// transportFor returns the transport of a call of op with its overrides:
// the instance gateway's for GetSecretValue when one is configured, else
// the shared gateway's. done, called after the call, closes the
// connections of an instance client built for this call alone.
func (c *Client) transportFor(op string, optFns []func(*Options)) (tc *transport.Client, done func(), err error) {
	toInstance := op == "GetSecretValue" // the one operation an instance serves
	if len(optFns) == 0 {
		if c.inst != nil && toInstance {
			return c.inst.tc, nothing, nil
		}
		return c.shared, nothing, nil
	}
	o := c.Options()
	for _, fn := range optFns {
		fn(&o)
	}
	switch {
	case o.InstanceEndpoint == "": // the CA, if set, is unused
	case c.sameInstance(o):
		if toInstance {
			o.Endpoint, o.HTTPClient = o.InstanceEndpoint, c.inst.http // reuse its connections
		}
	default:
		// Other instance settings for this call: bad ones fail it, whatever
		// the operation, as any bad option does.
		inst, err := newInstance(o, c.shared)
		if err != nil {
			return nil, nil, err
		}
		if toInstance {
			return inst.tc, func() { closeIdle(inst.http) }, nil
		}
		closeIdle(inst.http)
	}
	tc, err = c.shared.With(o)
	return tc, nothing, err
}

// sameInstance reports whether o has the client's instance settings.
func (c *Client) sameInstance(o Options) bool {
	return c.inst != nil && o.InstanceEndpoint == c.opts.InstanceEndpoint && o.InstanceAllowHTTP == c.opts.InstanceAllowHTTP &&
		bytes.Equal(o.InstanceCACert, c.opts.InstanceCACert) && sameHTTPClient(o.HTTPClient, c.opts.HTTPClient)
}

// sameHTTPClient reports whether a and b are both nil or the same
// *http.Client; comparing other interface values could panic.
func sameHTTPClient(a, b HTTPClient) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ca, ok1 := a.(*http.Client)
	cb, ok2 := b.(*http.Client)
	return ok1 && ok2 && ca == cb
}

func closeIdle(hc HTTPClient) {
	if c, ok := hc.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// instanceHTTPClient returns base (or the default client) when there is
// no CA to add, else a copy of it that trusts the CA for hostport only.
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
	hc, ok := base.(*http.Client)
	switch {
	case base == nil || (ok && hc == nil):
		hc = transport.DefaultHTTPClient()
	case !ok:
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
	u := url.URL{Host: hostport}
	withCA.TLSClientConfig = trustFor(withCA.TLSClientConfig, certs, u.Hostname())
	c := *hc
	c.Transport = &instanceRoundTripper{hostport: hostport, withCA: withCA, other: rt}
	return &c, nil
}

// instanceRoundTripper sends requests for the instance over the transport
// that trusts its CA, and others (a redirect elsewhere) over the caller's.
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

// parseCAs reads the CERTIFICATE blocks of caPEM: at least one, and
// nothing else but whitespace.
func parseCAs(caPEM []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	block, rest := pem.Decode(caPEM)
	for ; block != nil; block, rest = pem.Decode(rest) {
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
	case len(bytes.TrimSpace(rest)) > 0:
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
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		cfg = base.Clone()
	}
	baseRoots := cfg.RootCAs   // nil: the system roots
	pool := x509.NewCertPool() // without system roots: the CA alone
	if baseRoots != nil {
		pool = baseRoots.Clone()
	} else if sys, err := x509.SystemCertPool(); err == nil {
		pool = sys
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
