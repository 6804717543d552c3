package transport

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// Client sends signed requests for one service to one endpoint. It is safe
// for concurrent use; build it with New and derive per-call variants with
// With.
type Client struct {
	svc            Service
	opts           Options // as given, for With
	region         string  // resolved: Options.Region or, at New, ALIBABA_CLOUD_REGION_ID
	scheme, host   string
	http           HTTPClient
	creds          *credGuard
	retryer        retry.Retryer
	attemptTimeout time.Duration
	clock          *skewClock
	userAgent      []string // the User-Agent header value, shared by every request
}

// New validates o and returns a client for svc. It does no I/O: the
// default credentials chain is built on first use. The Instance* fields
// are the kms package's to read; New ignores them.
func New(svc Service, o Options) (*Client, error) {
	return build(svc, o, nil)
}

// With returns a client for o, a variant of the options c was built with
// (a call's overrides, or the KMS instance gateway's endpoint). It shares
// c's learned clock offset, its retry limiter when neither sets a Retryer
// of its own, and its credentials guard when o names the same provider.
func (c *Client) With(o Options) (*Client, error) { return build(c.svc, o, c) }

func build(svc Service, o Options, parent *Client) (*Client, error) {
	if err := validate(o); err != nil {
		return nil, fmt.Errorf("%s: %w", svc.Name, err)
	}
	region := o.Region
	switch {
	case region == "" && parent != nil:
		region = parent.region // read from the environment once, at New
	case region == "":
		region = os.Getenv(RegionEnv)
	}
	scheme, host, err := ResolveEndpoint(svc.Name, region, o.Network, o.Endpoint)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", svc.Name, err)
	}
	c := &Client{
		svc: svc, opts: o, region: region, scheme: scheme, host: host, http: o.HTTPClient,
		attemptTimeout: orDefault(o.AttemptTimeout, DefaultAttemptTimeout),
		clock:          &skewClock{now: time.Now},
		userAgent:      []string{userAgent(o.UserAgent)},
	}
	if c.http == nil {
		c.http = DefaultHTTPClient()
	}
	if parent != nil {
		c.clock = parent.clock
	}
	if parent != nil && sameValue(parent.opts.Credentials, o.Credentials) {
		c.creds = parent.creds
	} else {
		c.creds = newCredGuard(o.Credentials, c.attemptTimeout)
	}
	c.retryer = o.Retryer
	if c.retryer == nil {
		limits := func(r *retry.StandardOptions) {
			r.MaxAttempts = orDefault(o.RetryMaxAttempts, DefaultRetryMaxAttempts)
			r.MaxBackoff = orDefault(o.RetryMaxBackoff, DefaultRetryMaxBackoff)
		}
		if std, ok := parentStandard(parent); ok {
			c.retryer = std.Derive(limits) // one limiter for all calls of a client
		} else {
			var ro retry.StandardOptions
			limits(&ro)
			c.retryer = retry.NewStandard(ro)
		}
	}
	return c, nil
}

// validate checks the settings that need no resolving, naming the field.
func validate(o Options) error {
	switch {
	case o.RetryMaxAttempts < 0:
		return optionError("RetryMaxAttempts", "%d is negative (1 means no retry)", o.RetryMaxAttempts)
	case o.RetryMaxBackoff < 0:
		return optionError("RetryMaxBackoff", "%v is negative", o.RetryMaxBackoff)
	case o.AttemptTimeout < 0:
		return optionError("AttemptTimeout", "%v is negative", o.AttemptTimeout)
	case o.SignatureVersion != signer.V1 && o.SignatureVersion != signer.V3:
		return optionError("SignatureVersion", "%v is not signer.V1 or signer.V3", o.SignatureVersion)
	}
	if static, ok := o.Credentials.(*signer.StaticCredentialsProvider); ok && static != nil {
		if _, err := static.GetCredential(); err != nil {
			return fmt.Errorf("Options.Credentials: %w", err)
		}
	}
	return nil
}

// parentStandard returns the default policy of a parent client that has
// one, whose limiter a variant shares.
func parentStandard(parent *Client) (*retry.Standard, bool) {
	if parent == nil || parent.opts.Retryer != nil {
		return nil, false
	}
	std, ok := parent.retryer.(*retry.Standard)
	return std, ok
}

// sameValue reports whether a and b hold the same value. Interface values
// whose dynamic type cannot be compared (a struct holding a slice) make ==
// panic; such values are never the same.
func sameValue(a, b any) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

func orDefault[T int | time.Duration](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// Endpoint returns the scheme://host requests go to.
func (c *Client) Endpoint() string { return c.scheme + "://" + c.host }

// SetClock replaces the local clock the requests are signed with; for tests.
func (c *Client) SetClock(now func() time.Time) { c.clock.now = now }

// ClockOffset returns the learned difference between the service's clock
// and the local one.
func (c *Client) ClockOffset() time.Duration { return time.Duration(c.clock.offset.Load()) }

// skewClock is the local clock corrected by the offset learned from the
// service's Date header after a clock-skew error.
type skewClock struct {
	now    func() time.Time
	offset atomic.Int64 // nanoseconds to add to the local clock
}

func (k *skewClock) Now() time.Time { return k.now().Add(time.Duration(k.offset.Load())) }

// learn takes the service's time from the Date header of a clock-skew
// answer and keeps the offset for every later request.
func (k *skewClock) learn(h http.Header) bool {
	server, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return false
	}
	k.offset.Store(int64(server.Sub(k.now())))
	return true
}

var baseUserAgent = "alisecret-go/" + LibraryVersion + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"

func userAgent(extra string) string {
	if extra == "" {
		return baseUserAgent
	}
	return baseUserAgent + " " + extra
}

// DefaultHTTPClient returns the client used when Options.HTTPClient is
// nil, one per process so connections are reused across clients: TLS 1.2
// or later with verification on, proxies from the environment, a 5s dial
// and TLS-handshake timeout, a 10s response-header timeout, up to 100 idle
// connections per host kept 90s, and redirects not followed (a signed
// request is never resent to another host). The whole-attempt bound is
// Options.AttemptTimeout.
func DefaultHTTPClient() *http.Client { return defaultHTTPClient() }

var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	t := &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	if d, ok := http.DefaultTransport.(*http.Transport); ok { // a program may have replaced it
		t = d.Clone()
	}
	t.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 5 * time.Second
	t.ResponseHeaderTimeout = 10 * time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = 100
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	return &http.Client{
		Transport:     t,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
})

// Options returns a copy of the options the client was built with.
func (c *Client) Options() Options {
	o := c.opts
	o.InstanceCACert = append([]byte(nil), o.InstanceCACert...)
	return o
}
