// Package transport is the request path the kms and sae clients share:
// their settings, endpoint resolution, credentials, signing every attempt
// afresh, the retry loop (its policy in package retry), clock-skew
// learning, bounded reading of answers and decoding of error answers. The
// service packages describe their requests and read their documents.
package transport

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// LibraryVersion is this module's version, sent in the User-Agent.
const LibraryVersion = "0.3.0"

// Defaults for the zero values of Options, and the bound on a response body.
const (
	DefaultRetryMaxAttempts = retry.DefaultMaxAttempts
	DefaultRetryMaxBackoff  = retry.DefaultMaxBackoff
	DefaultAttemptTimeout   = 10 * time.Second
	MaxResponseBytes        = 4 << 20
)

// RegionEnv is the environment variable read when Options.Region is empty.
const RegionEnv = "ALIBABA_CLOUD_REGION_ID"

// HTTPClient sends one HTTP request: *http.Client or any wrapper (tracing,
// metrics, a test double). kms.HTTPClient and sae.HTTPClient are this type.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configure a kms.Client or an sae.Client (kms.Options and
// sae.Options are this type). Every zero value is usable; only a region
// (here or in ALIBABA_CLOUD_REGION_ID) or an Endpoint is required. New
// validates them, with errors that match signer.ErrInvalidInput and name
// the field, and does no I/O. Every operation also takes per-call
// overrides, func(*Options), applied to a copy of the client's options.
type Options struct {
	// Region is the region id, e.g. "cn-hangzhou". Empty: the environment
	// variable ALIBABA_CLOUD_REGION_ID; required unless Endpoint is set.
	Region string
	// Endpoint overrides the host: a base URL ("http://127.0.0.1:8080") or a
	// bare host (https). Empty: https://<service>.<region>.aliyuncs.com.
	Endpoint string
	// Network is "" (public endpoint) or "vpc" (<service>-vpc.<region>.aliyuncs.com).
	Network string
	// Credentials sign the requests. Nil: credentials-go's default chain
	// (environment, OIDC/RRSA, CLI profile, credentials file, ECS RAM role,
	// credentials URI), built on first use; finding nothing, calls fail with
	// signer.ErrNoCredentials. In tests set ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
	// so that it does not probe the ECS metadata address.
	Credentials signer.CredentialsProvider
	// HTTPClient sends the requests. Nil: [DefaultHTTPClient]. A plain
	// &http.Client{} follows redirects with the signed request; set its
	// CheckRedirect to return http.ErrUseLastResponse.
	HTTPClient HTTPClient
	// RetryMaxAttempts is the attempts per call for failures other than
	// throttling (5xx, connection errors); throttled answers are retried
	// while the context allows (without a deadline, up to a minute of
	// waits). 1: one attempt, no retry or pacing at all. Zero: 3.
	RetryMaxAttempts int
	// RetryMaxBackoff caps one wait between attempts, a wait the service
	// asked for included. Zero: 20s.
	RetryMaxBackoff time.Duration
	// Retryer replaces the default policy, a retry.Standard built from the
	// two fields above (then ignored) whose limiter all calls of a client
	// share. A retry.NewStandard with your own clock, sleep or randomness
	// tests your code's retries.
	Retryer retry.Retryer
	// AttemptTimeout bounds one attempt (connect, send, read) and one wait
	// for the credentials provider. Zero: 10s. The context bounds the call.
	AttemptTimeout time.Duration
	// SignatureVersion is signer.V1 (the zero value: HMAC-SHA1, RPC style
	// for KMS, ROA for SAE) or signer.V3 (ACS3-HMAC-SHA256).
	SignatureVersion signer.Version
	// Logger receives debug events (operation, attempt, status, code,
	// request id, latency), never secrets or signatures. Nil: no logging.
	Logger *slog.Logger
	// Observer is told of every call and attempt, for metrics and tracing
	// (the otel module adapts it). Nil: nothing is observed, at no cost.
	Observer Observer
	// UserAgent is appended to the library's User-Agent.
	UserAgent string

	// InstanceEndpoint (KMS only) is a KMS instance gateway, a base URL or a
	// bare host (https). GetSecretValue goes there, and BatchGetSecretValue
	// as one GetSecretValue per secret; the management operations stay on
	// the shared gateway. New fails on a malformed value or an http:// one
	// without InstanceAllowHTTP; sae.New rejects it.
	InstanceEndpoint string
	// InstanceCACert (KMS only) is the instance's PEM CA certificate (the
	// console's PrivateKmsCA_kst-*.pem), trusted beside the system roots for
	// the InstanceEndpoint host only. HTTPClient must then be nil or an
	// *http.Client whose Transport is nil or an *http.Transport (with another,
	// trust the CA in it yourself). New fails on malformed PEM or a CA
	// without InstanceEndpoint.
	InstanceCACert []byte
	// InstanceAllowHTTP (KMS only) permits an http:// InstanceEndpoint, for
	// a local proxy that terminates TLS or a test server.
	InstanceAllowHTTP bool
}

// Service describes one API: its name (the endpoint host prefix, which also
// starts error messages), request style and version. Envelope (SAE): every
// answer carries a Success field, and a 2xx one with "Success": false is an
// error answer.
type Service struct {
	Name     string
	Style    Style
	Version  string
	Envelope bool
}

// Style is RPC (parameters in the query, path "/") or ROA (resource paths).
type Style int

// The two API styles.
const (
	RPC Style = iota
	ROA
)

// Observer is told what a client's calls do (kms.Observer and sae.Observer
// are this type): never a secret value, access key secret, security token
// or signature. Its methods run on the caller's goroutine, one call's in
// order, and concurrently for different calls: they must be safe for
// concurrent use and quick. A panic in one is logged and the call goes on.
type Observer interface {
	// StartCall is called before a call's first attempt. It returns the
	// context the call goes on with (ctx, or one carrying a tracer's span).
	StartCall(ctx context.Context, c CallInfo) context.Context
	// ObserveAttempt is called after every attempt, once the client has
	// decided whether another follows (AttemptInfo.Delay).
	ObserveAttempt(ctx context.Context, a AttemptInfo)
	// EndCall is called when the call ends, with its error (nil: success).
	EndCall(ctx context.Context, c CallInfo, err error)
}

// CallInfo names a call: the service ("kms" or "sae") and the operation.
type CallInfo struct {
	Service   string
	Operation string // e.g. "GetSecretValue"
}

// AttemptInfo is what an Observer is told after one attempt.
type AttemptInfo struct {
	Service    string        // "kms" or "sae"
	Operation  string        // e.g. "GetSecretValue"
	Attempt    int           // 1 for the call's first attempt
	StatusCode int           // HTTP status; 0 when no answer came
	Code       string        // the service's error code; "" on success or without an answer
	RequestID  string        // the answer's request id, if any
	Latency    time.Duration // from sending the request to having read the answer (or failing)
	Err        error         // nil on success; an *signer.APIError for an error answer
	Delay      time.Duration // the wait before the next attempt; zero: none follows, or at once
}
