package sae

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// APIVersion is the SAE API version this client speaks.
const APIVersion = "2019-05-06"

var service = transport.Service{Name: "sae", Style: transport.ROA, Version: APIVersion}

// HTTPClient sends one HTTP request; *http.Client satisfies it, and so
// does any wrapper (tracing, metrics, a test double).
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configure a Client. The zero value of each field is usable; only
// a region (here or in ALIBABA_CLOUD_REGION_ID) or an Endpoint is required.
type Options struct {
	// Region is the region id, e.g. "cn-beijing". Empty: the environment
	// variable ALIBABA_CLOUD_REGION_ID; still empty, New fails unless
	// Endpoint is set.
	Region string
	// Endpoint overrides the host: a base URL ("https://sae.example.com",
	// "http://127.0.0.1:8080") or a bare host (https). Empty:
	// https://sae.<region>.aliyuncs.com, or sae-vpc.<region> with Network "vpc".
	Endpoint string
	// Network is "" (public endpoint) or "vpc" (sae-vpc.<region>.aliyuncs.com).
	Network string
	// Credentials sign the requests. Nil: credentials-go's default chain,
	// built on first use. credentials.Credential and signer.StaticCredentials
	// satisfy it.
	Credentials signer.CredentialsProvider
	// HTTPClient sends the requests; *http.Client satisfies it. Nil: one
	// client shared by the process, with 5s dial and TLS-handshake and 10s
	// response-header timeouts, TLS 1.2+ with verification, proxies from the
	// environment, and redirects not followed.
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
	// AttemptTimeout bounds one attempt, and one wait for the credentials
	// provider. Zero: 10s. The call as a whole is bounded by its context.
	AttemptTimeout time.Duration
	// SignatureVersion is signer.V1 (ROA v1, HMAC-SHA1; the zero value) or
	// signer.V3 (ACS3-HMAC-SHA256).
	SignatureVersion signer.Version
	// Logger receives debug events (operation, attempt, status, code,
	// request id, latency), never secret values, credentials or signatures.
	Logger *slog.Logger
	// UserAgent is appended to the library's User-Agent.
	UserAgent string
	// Observer, when set, is told when each call starts and ends and how
	// each attempt went (status, code, request id, latency, error, the
	// delay before the next attempt): for metrics and tracing (the otel
	// module adapts it to OpenTelemetry). Nil: nothing is observed, at no
	// cost.
	Observer Observer
}

func (o Options) transport() transport.Options {
	return transport.Options{
		Region: o.Region, Endpoint: o.Endpoint, Network: o.Network, Credentials: o.Credentials,
		HTTPClient: o.HTTPClient, RetryMaxAttempts: o.RetryMaxAttempts, RetryMaxBackoff: o.RetryMaxBackoff,
		AttemptTimeout: o.AttemptTimeout, SignatureVersion: o.SignatureVersion, Logger: o.Logger, UserAgent: o.UserAgent,
		Retryer: o.Retryer, Observer: o.Observer,
	}
}

// Client reads secrets from Serverless App Engine. It is safe for
// concurrent use; share one per process and region.
type Client struct {
	opts Options
	tc   *transport.Client
}

// New returns a client for the options, as changed by optFns. It validates
// them (errors match signer.ErrInvalidInput and name the field) and does no
// I/O.
func New(opts Options, optFns ...func(*Options)) (*Client, error) {
	for _, fn := range optFns {
		fn(&opts)
	}
	tc, err := transport.New(service, opts.transport())
	if err != nil {
		return nil, err
	}
	return &Client{opts: opts, tc: tc}, nil
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.opts }

// Endpoint returns the base URL requests go to.
func (c *Client) Endpoint() string { return c.tc.Endpoint() }

// call sends operation op with per-call option overrides. check
// (checkResponse) is the one decision whether the answer is a failure; on
// success it has decoded the body into the operation's document.
func (c *Client) call(ctx context.Context, op, path string, query url.Values, check transport.Checker, optFns []func(*Options)) (transport.Response, error) {
	tc, err := transport.ForCall(c.tc, &c.opts, optFns, Options.transport)
	if err != nil {
		return transport.Response{}, err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	return tc.Do(ctx, &transport.Request{Operation: op, Method: "GET", Path: path, Query: query, Check: check})
}
