package kms

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// APIVersion is the KMS API version this client speaks.
const APIVersion = "2016-01-20"

var service = transport.Service{Name: "kms", Style: transport.RPC, Version: APIVersion}

// HTTPClient sends one HTTP request; *http.Client satisfies it, and so
// does any wrapper (tracing, metrics, a test double).
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configure a Client. The zero value of each field is usable; only
// a region (here or in ALIBABA_CLOUD_REGION_ID) or an Endpoint is required.
type Options struct {
	// Region is the region id, e.g. "cn-hangzhou". Empty: the environment
	// variable ALIBABA_CLOUD_REGION_ID; still empty, New fails unless
	// Endpoint is set.
	Region string
	// Endpoint overrides the host: a base URL ("https://kms.example.com",
	// "http://127.0.0.1:8080") or a bare host (https). Empty:
	// https://kms.<region>.aliyuncs.com, or kms-vpc.<region> with Network "vpc".
	Endpoint string
	// Network is "" (public endpoint) or "vpc" (kms-vpc.<region>.aliyuncs.com).
	Network string
	// Credentials sign the requests. Nil: credentials-go's default chain
	// (environment, OIDC/RRSA, CLI profile, credentials file, ECS RAM role,
	// credentials URI), built on first use. credentials.Credential and
	// signer.StaticCredentials satisfy it.
	Credentials signer.CredentialsProvider
	// HTTPClient sends the requests; *http.Client satisfies it. Nil: one
	// client shared by the process, with 5s dial and TLS-handshake and 10s
	// response-header timeouts, TLS 1.2+ with verification, proxies from the
	// environment, and redirects not followed. With InstanceCACert set, the
	// instance gateway's requests go over a copy of it that trusts the CA;
	// see InstanceCACert.
	HTTPClient HTTPClient
	// RetryMaxAttempts is the number of attempts per call for failures
	// other than throttling (5xx, connection errors); throttled answers are
	// retried for as long as the call's context allows (without a
	// deadline, for up to a minute of waiting). 1 means one attempt and no pacing at all,
	// throttling included. Zero: 3. See package retry.
	RetryMaxAttempts int
	// RetryMaxBackoff caps one wait between attempts, a wait the service
	// asked for included. Zero: 20s.
	RetryMaxBackoff time.Duration
	// Retryer, when set, is the retry policy instead of the default one
	// (retry.Standard built from RetryMaxAttempts and RetryMaxBackoff,
	// which are then ignored). Set it to a retry.NewStandard with your own
	// clock, sleep or randomness to test your code's retries. The default
	// policy's retry budget is shared by all calls of one Client.
	Retryer retry.Retryer
	// AttemptTimeout bounds one attempt (connect, send, read), and one wait
	// for the credentials provider. Zero: 10s. The call as a whole is
	// bounded by its context.
	AttemptTimeout time.Duration
	// SignatureVersion is signer.V1 (RPC v1, HMAC-SHA1; the zero value) or
	// signer.V3 (ACS3-HMAC-SHA256).
	SignatureVersion signer.Version
	// Logger receives debug events (operation, attempt, status, code,
	// request id, latency). It never receives secret values, credentials or
	// signatures. Nil: no logging.
	Logger *slog.Logger
	// UserAgent is appended to the library's User-Agent.
	UserAgent string
	// Observer, when set, is told when each call starts and ends and how
	// each attempt went (status, code, request id, latency, error, the
	// delay before the next attempt): for metrics and tracing (the otel
	// module adapts it to OpenTelemetry). Nil: nothing is observed, at no
	// cost.
	Observer Observer

	// InstanceEndpoint is a KMS instance gateway (KMS 3.0), as a base URL
	// ("https://kst-hzz65f1a2b3c.cryptoservice.kms.aliyuncs.com") or a bare
	// host (https). When set, GetSecretValue goes there, signed with the
	// same credentials; DescribeSecret, ListSecrets and ListSecretVersionIDs
	// are management operations, which only the shared gateway serves, and
	// still go to Endpoint (or the regional endpoint). Empty: every
	// operation goes to the shared gateway. A malformed value, or an
	// http:// URL without InstanceAllowHTTP, makes New fail.
	InstanceEndpoint string
	// InstanceCACert is the instance's CA certificate, PEM-encoded (one or
	// more CERTIFICATE blocks; the console's PrivateKmsCA_kst-*.pem). It is
	// trusted beside the system roots (or beside the RootCAs of HTTPClient's
	// transport) for connections to the InstanceEndpoint host only: never
	// for the shared gateway, a redirect target or an HTTPS proxy (a proxy
	// addressed by IP is told apart only when InstanceEndpoint is a host
	// name, as real ones are). The instance requests go over a copy of
	// HTTPClient's *http.Transport (the default client's when HTTPClient is
	// nil) that adds the CA, so HTTPClient must be nil or an *http.Client
	// whose Transport is nil or an *http.Transport, else New fails; with
	// another HTTPClient, trust the CA in it yourself and leave
	// InstanceCACert empty. Empty: the instance requests go over HTTPClient
	// unchanged, so the instance's certificate must verify against its
	// roots. Malformed PEM makes New fail; so does a CA without
	// InstanceEndpoint.
	InstanceCACert []byte
	// InstanceAllowHTTP permits an http:// InstanceEndpoint, for a local
	// proxy that terminates TLS or a test server. False (the zero value):
	// an http:// InstanceEndpoint is an error, since requests and secret
	// values would cross the network unencrypted.
	InstanceAllowHTTP bool
}

func (o Options) transport() transport.Options {
	return transport.Options{
		Region: o.Region, Endpoint: o.Endpoint, Network: o.Network, Credentials: o.Credentials,
		HTTPClient: o.HTTPClient, RetryMaxAttempts: o.RetryMaxAttempts, RetryMaxBackoff: o.RetryMaxBackoff,
		AttemptTimeout: o.AttemptTimeout, SignatureVersion: o.SignatureVersion, Logger: o.Logger, UserAgent: o.UserAgent,
		Retryer: o.Retryer, Observer: o.Observer,
	}
}

// Client reads secrets from KMS Secrets Manager. It is safe for concurrent
// use; share one per process and region.
type Client struct {
	opts Options
	tc   *transport.Client
	inst *instance // nil without Options.InstanceEndpoint
}

// New returns a client for the options, as changed by optFns. It validates
// them (errors match signer.ErrInvalidInput and name the field) and does no
// I/O.
func New(opts Options, optFns ...func(*Options)) (*Client, error) {
	for _, fn := range optFns {
		fn(&opts)
	}
	opts.InstanceCACert = slices.Clone(opts.InstanceCACert) // the caller may reuse the slice
	tc, err := transport.New(service, opts.transport())
	if err != nil {
		return nil, err
	}
	inst, err := newInstance(opts, tc)
	if err != nil {
		return nil, err
	}
	return &Client{opts: opts, tc: tc, inst: inst}, nil
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options {
	o := c.opts
	o.InstanceCACert = slices.Clone(o.InstanceCACert)
	return o
}

// Endpoint returns the base URL of the shared gateway, where every
// operation goes except those InstanceEndpoint takes.
func (c *Client) Endpoint() string { return c.tc.Endpoint() }

// InstanceEndpoint returns the base URL GetSecretValue goes to when
// Options.InstanceEndpoint is set, and "" otherwise.
func (c *Client) InstanceEndpoint() string {
	if c.inst == nil {
		return ""
	}
	return c.inst.tc.Endpoint()
}

// send validates the secret name (field names it in the error) and sends
// the operation with per-call option overrides. check (an answer) is
// the one decision whether the answer is a failure; on success it has
// decoded the body into the operation's document.
func (c *Client) send(ctx context.Context, op, field, secretName string, in any, check transport.Checker, optFns []func(*Options)) (transport.Response, error) {
	if secretName == "" {
		return transport.Response{}, invalid(op, field+" is required")
	}
	return c.do(ctx, op, in, check, optFns)
}

// do encodes a validated input and sends operation op with per-call option
// overrides; check decides whether the answer is a failure.
func (c *Client) do(ctx context.Context, op string, in any, check transport.Checker, optFns []func(*Options)) (transport.Response, error) {
	q, err := transport.EncodeQuery(service.Name, op, in)
	if err != nil {
		return transport.Response{}, err
	}
	tc, err := c.transportFor(op, optFns)
	if err != nil {
		return transport.Response{}, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return tc.Do(ctx, &transport.Request{Operation: op, Method: "POST", Query: q, Check: check})
}
