// Package transport is the request path shared by the kms and sae clients:
// endpoint resolution, credentials retrieval, signing every attempt afresh,
// the retry loop (its policy in package retry), clock-skew learning, bounded
// response reading and error decoding. The service packages only describe
// their requests and decode their answers.
package transport

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// LibraryVersion is this module's version, sent in the User-Agent.
const LibraryVersion = "0.1.0"

// Defaults for the zero values of Options.
const (
	DefaultRetryMaxAttempts = retry.DefaultMaxAttempts
	DefaultRetryMaxBackoff  = retry.DefaultMaxBackoff
	DefaultAttemptTimeout   = 10 * time.Second
	// MaxResponseBytes bounds how much of a response body is read.
	MaxResponseBytes = 4 << 20
)

// RegionEnv is the environment variable read when Options.Region is empty.
const RegionEnv = "ALIBABA_CLOUD_REGION_ID"

// Doer sends one HTTP request; *http.Client satisfies it.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options are the client settings kms.Options and sae.Options carry; see
// their documentation for the meaning of each field.
type Options struct {
	Region           string
	Endpoint         string
	Network          string
	Credentials      signer.CredentialsProvider
	HTTPClient       Doer
	RetryMaxAttempts int
	RetryMaxBackoff  time.Duration
	AttemptTimeout   time.Duration
	SignatureVersion signer.Version
	Logger           *slog.Logger
	UserAgent        string
	// Retryer, when set, replaces the policy built from RetryMaxAttempts
	// and RetryMaxBackoff (which it then ignores).
	Retryer retry.Retryer
	// Observer, when set, is told about every call and attempt.
	Observer Observer
}

// Service describes one API: its host prefix, request style and version.
type Service struct {
	Name    string // "kms"; starts error messages and is the endpoint host prefix
	Style   Style
	Version string // API version, e.g. "2016-01-20"
}

// Style is RPC (parameters in the query, path "/") or ROA (resource paths).
type Style int

// The two API styles.
const (
	RPC Style = iota
	ROA
)

// settings is Options validated and with defaults applied.
type settings struct {
	scheme, host   string
	creds          *credGuard
	http           Doer
	maxAttempts    int
	maxBackoff     time.Duration
	attemptTimeout time.Duration
	sigVersion     signer.Version
	logger         *slog.Logger
	retryer        retry.Retryer
	observer       Observer
	userAgent      []string // the User-Agent header value, shared by every request
}

// resolve validates o and applies the defaults. It does no I/O: the default
// credentials chain is built on first use. A per-call variant (parent not
// nil) shares the parent's credentials guard when it names the same
// provider, and the parent's retry budget when neither sets a Retryer.
func resolve(svc Service, o Options, parent *settings) (*settings, error) {
	s := &settings{http: o.HTTPClient, logger: o.Logger, sigVersion: o.SignatureVersion, observer: o.Observer}
	region := o.Region
	if region == "" {
		region = os.Getenv(RegionEnv)
	}
	var err error
	if s.scheme, s.host, err = ResolveEndpoint(svc.Name, region, o.Network, o.Endpoint); err != nil {
		return nil, fmt.Errorf("%s: %w", svc.Name, err)
	}
	var bad error
	switch {
	case o.RetryMaxAttempts < 0:
		bad = optionError("RetryMaxAttempts", "%d is negative (1 means no retry)", o.RetryMaxAttempts)
	case o.RetryMaxBackoff < 0:
		bad = optionError("RetryMaxBackoff", "%v is negative", o.RetryMaxBackoff)
	case o.AttemptTimeout < 0:
		bad = optionError("AttemptTimeout", "%v is negative", o.AttemptTimeout)
	case o.SignatureVersion != signer.V1 && o.SignatureVersion != signer.V3:
		bad = optionError("SignatureVersion", "%v is not signer.V1 or signer.V3", o.SignatureVersion)
	}
	if bad != nil {
		return nil, fmt.Errorf("%s: %w", svc.Name, bad)
	}
	s.maxAttempts = orDefault(o.RetryMaxAttempts, DefaultRetryMaxAttempts)
	s.maxBackoff = orDefault(o.RetryMaxBackoff, DefaultRetryMaxBackoff)
	s.attemptTimeout = orDefault(o.AttemptTimeout, DefaultAttemptTimeout)
	if s.http == nil {
		s.http = DefaultHTTPClient()
	}
	if static, ok := o.Credentials.(*signer.StaticCredentialsProvider); ok && static != nil {
		if _, err := static.GetCredential(); err != nil {
			return nil, fmt.Errorf("%s: Options.Credentials: %w", svc.Name, err)
		}
	}
	if parent != nil && parent.creds.provides(o.Credentials) {
		s.creds = parent.creds
	} else {
		s.creds = newCredGuard(o.Credentials, s.attemptTimeout)
	}
	s.retryer = o.Retryer
	if s.retryer == nil {
		limits := func(r *retry.StandardOptions) { r.MaxAttempts, r.MaxBackoff = s.maxAttempts, s.maxBackoff }
		if std, ok := parentRetryer(parent); ok {
			s.retryer = std.Derive(limits)
		} else {
			var ro retry.StandardOptions
			limits(&ro)
			s.retryer = retry.NewStandard(ro)
		}
	}
	s.userAgent = []string{userAgent(o.UserAgent)}
	return s, nil
}

// parentRetryer returns the default policy of a client's parent, whose
// budget a per-call variant shares.
func parentRetryer(parent *settings) (*retry.Standard, bool) {
	if parent == nil {
		return nil, false
	}
	std, ok := parent.retryer.(*retry.Standard)
	return std, ok
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

var baseUserAgent = "alisecret-go/" + LibraryVersion + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"

func userAgent(extra string) string {
	if extra == "" {
		return baseUserAgent
	}
	return baseUserAgent + " " + extra
}

// DefaultHTTPClient returns the client used when Options.HTTPClient is nil,
// one per process so connections are reused across clients: TLS 1.2 or
// later with verification on, proxies from the environment, a 5s dial and
// TLS-handshake timeout, a 10s response-header timeout, up to 100 idle
// connections per host kept 90s (a busy service re-dials nothing), and
// redirects not followed (a signed request is never resent
// to another host). The whole-attempt bound is Options.AttemptTimeout.
func DefaultHTTPClient() *http.Client { return defaultHTTPClient() }

// defaultDialer is the default client's dialer: 5s to connect, TCP
// keep-alives every 30s.
var defaultDialer = &net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}

var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	t, ok := http.DefaultTransport.(*http.Transport)
	if ok {
		t = t.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.DialContext = defaultDialer.DialContext
	t.TLSHandshakeTimeout = 5 * time.Second
	t.ResponseHeaderTimeout = 10 * time.Second
	t.ExpectContinueTimeout = time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 100
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
})
