package transport

import (
	"cmp"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-querystring/query"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// Client sends signed requests for one service to one endpoint, safe for
// concurrent use; build it with [New], per-call variants with [Client.With].
type Client struct {
	svc            Service
	opts           Options // as given, for With
	region         string  // Options.Region or, at New, ALIBABA_CLOUD_REGION_ID
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

// With returns a client for o, a variant of c's options (a call's
// overrides, or a KMS instance gateway's endpoint). It shares c's learned
// clock offset, c's retry limiter when neither sets a Retryer, and c's
// credentials guard when o names the same provider.
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
		attemptTimeout: cmp.Or(o.AttemptTimeout, DefaultAttemptTimeout),
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
	var shared *retry.Standard // the parent's default policy: one limiter for all calls of a client
	if parent != nil && parent.opts.Retryer == nil {
		shared, _ = parent.retryer.(*retry.Standard)
	}
	// Zero limits are the policy's own defaults, which are the Options' ones.
	switch {
	case o.Retryer != nil:
		c.retryer = o.Retryer
	case shared != nil:
		c.retryer = shared.Derive(func(r *retry.StandardOptions) {
			r.MaxAttempts, r.MaxBackoff = o.RetryMaxAttempts, o.RetryMaxBackoff
		})
	default:
		c.retryer = retry.NewStandard(retry.StandardOptions{MaxAttempts: o.RetryMaxAttempts, MaxBackoff: o.RetryMaxBackoff})
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

// optionError reports a bad option, naming it; it matches signer.ErrInvalidInput.
func optionError(field, format string, args ...any) error {
	return fmt.Errorf("%w: Options.%s: %s", signer.ErrInvalidInput, field, fmt.Sprintf(format, args...))
}

// sameValue reports whether a == b, and false where == would panic (a
// dynamic type that cannot be compared, such as a struct holding a slice).
func sameValue(a, b any) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// ResolveEndpoint returns the scheme and host requests go to. A non-empty
// endpoint is a base URL ("https://host", "http://127.0.0.1:8080/"; no
// path, query, fragment or user info) or a bare host[:port], meaning
// https. Otherwise the host is "<product>.<region>.aliyuncs.com", or
// "<product>-vpc.<region>.aliyuncs.com" with network "vpc", over https.
// Errors match signer.ErrInvalidInput and name the option at fault.
func ResolveEndpoint(product, region, network, endpoint string) (scheme, host string, err error) {
	if endpoint != "" {
		return parseEndpoint(endpoint)
	}
	if region == "" {
		return "", "", optionError("Region", "empty, and %s is not set either", RegionEnv)
	}
	if !validToken(region) {
		return "", "", optionError("Region", "%q is not a region id (letters, digits, - and _)", region)
	}
	switch network {
	case "", "public":
		return "https", product + "." + region + ".aliyuncs.com", nil
	case "vpc":
		return "https", product + "-vpc." + region + ".aliyuncs.com", nil
	}
	return "", "", optionError("Network", "%q is not \"\" (public) or \"vpc\"", network)
}

func parseEndpoint(endpoint string) (scheme, host string, err error) {
	raw := endpoint
	if !strings.Contains(endpoint, "://") {
		if strings.ContainsAny(endpoint, "/?#@ \t\r\n\\") {
			return "", "", optionError("Endpoint", "%q is neither a base URL nor a host", endpoint)
		}
		raw = "https://" + endpoint
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return "", "", optionError("Endpoint", "%q is not a valid URL", endpoint)
	case u.Scheme != "https" && u.Scheme != "http":
		return "", "", optionError("Endpoint", "scheme %q is not http or https", u.Scheme)
	case u.Hostname() == "":
		return "", "", optionError("Endpoint", "%q has no host", endpoint)
	case u.User != nil:
		return "", "", optionError("Endpoint", "user info is not allowed")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.Opaque != "":
		return "", "", optionError("Endpoint", "%q must be a base URL without path, query or fragment", u.Redacted())
	}
	return u.Scheme, u.Host, nil
}

func validToken(s string) bool {
	for _, c := range []byte(s) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return s != ""
}

// Endpoint returns the scheme://host requests go to.
func (c *Client) Endpoint() string { return c.scheme + "://" + c.host }

// Options returns a copy of the options the client was built with.
func (c *Client) Options() Options {
	o := c.opts
	o.InstanceCACert = append([]byte(nil), o.InstanceCACert...)
	return o
}

// SetClock replaces the local clock the requests are signed with; for tests.
func (c *Client) SetClock(now func() time.Time) { c.clock.now = now }

// ClockOffset returns the learned offset of the service's clock from the local one.
func (c *Client) ClockOffset() time.Duration { return time.Duration(c.clock.offset.Load()) }

// skewClock is the local clock corrected by the offset learned from the
// Date header of a clock-skew answer.
type skewClock struct {
	now    func() time.Time
	offset atomic.Int64 // nanoseconds to add to the local clock
}

func (k *skewClock) Now() time.Time { return k.now().Add(time.Duration(k.offset.Load())) }

func (k *skewClock) learn(h http.Header) bool {
	server, err := http.ParseTime(h.Get("Date"))
	if err == nil {
		k.offset.Store(int64(server.Sub(k.now())))
	}
	return err == nil
}

var baseUserAgent = "alisecret-go/" + LibraryVersion + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"

func userAgent(extra string) string {
	if extra == "" {
		return baseUserAgent
	}
	return baseUserAgent + " " + extra
}

// DefaultHTTPClient returns the client used when Options.HTTPClient is nil,
// one per process so connections are reused: TLS 1.2 or later, verified;
// proxies from the environment; 5s dial and TLS-handshake timeouts, a 10s
// response-header timeout; up to 100 idle connections per host kept 90s;
// redirects not followed (a signed request never goes to another host).
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

// EncodeQuery turns an operation's input struct into query parameters with
// go-querystring, by its `url:"name,omitempty"` tags. A nil input, one that
// is not a struct and a field go-querystring cannot encode are errors
// matching signer.ErrInvalidInput that name the service and operation.
func EncodeQuery(svc, op string, in any) (url.Values, error) {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, fmt.Errorf("%s %s: %w: input is nil", svc, op, signer.ErrInvalidInput)
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s %s: %w: input is a %s, not a struct", svc, op, signer.ErrInvalidInput, v.Kind())
	}
	q, err := query.Values(in)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %v", svc, op, signer.ErrInvalidInput, err)
	}
	return q, nil
}
