// Package transport is the request path shared by the kms and sae clients:
// the one definition of their settings, endpoint resolution, credentials
// retrieval, signing every attempt afresh, the retry loop (its policy in
// package retry), clock-skew learning, bounded response reading and the
// decoding of error answers. It knows no operation's document: the service
// packages describe their requests and read their answers.
package transport

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// LibraryVersion is this module's version, sent in the User-Agent.
const LibraryVersion = "0.3.0"

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

// HTTPClient sends one HTTP request; *http.Client satisfies it, and so does
// any wrapper (tracing, metrics, a test double). kms.HTTPClient and
// sae.HTTPClient are this type.
type HTTPClient interface {
	Do(*http.Request) (*http.Response, error)
}

// Options configure a kms.Client or an sae.Client: kms.Options and
// sae.Options are this type. The zero value of each field is usable; only a
// region (here or in ALIBABA_CLOUD_REGION_ID) or an Endpoint is required.
// New validates them (errors match signer.ErrInvalidInput and name the
// field) and does no I/O. Every operation also takes per-call overrides,
// func(*Options), applied to a copy of the client's options.
type Options struct {
	// Region is the region id, e.g. "cn-hangzhou". Empty: the environment
	// variable ALIBABA_CLOUD_REGION_ID; still empty, New fails unless
	// Endpoint is set.
	Region string
	// Endpoint overrides the host: a base URL ("https://kms.example.com",
	// "http://127.0.0.1:8080") or a bare host (https). Empty:
	// https://<service>.<region>.aliyuncs.com, or <service>-vpc.<region>
	// with Network "vpc".
	Endpoint string
	// Network is "" (public endpoint) or "vpc" (<service>-vpc.<region>.aliyuncs.com).
	Network string
	// Credentials sign the requests. Nil: credentials-go's default chain
	// (environment, OIDC/RRSA, CLI profile, credentials file, ECS RAM role,
	// credentials URI), built on first use; when it finds nothing, calls
	// fail with an error matching signer.ErrNoCredentials. In tests and CI
	// set ALIBABA_CLOUD_ECS_METADATA_DISABLED=true so that the chain does
	// not probe the ECS metadata address. credentials.Credential and
	// signer.StaticCredentials satisfy it.
	Credentials signer.CredentialsProvider
	// HTTPClient sends the requests. Nil: one client shared by the process
	// (DefaultHTTPClient). A plain &http.Client{} follows redirects with the
	// signed request; set CheckRedirect to return http.ErrUseLastResponse.
	HTTPClient HTTPClient
	// RetryMaxAttempts is the number of attempts per call for failures
	// other than throttling (5xx, connection errors); throttled answers are
	// retried for as long as the call's context allows (without a deadline,
	// for up to a minute of waiting). 1 means one attempt and no pacing at
	// all, throttling included. Zero: 3. See package retry.
	RetryMaxAttempts int
	// RetryMaxBackoff caps one wait between attempts, a wait the service
	// asked for included. Zero: 20s.
	RetryMaxBackoff time.Duration
	// Retryer, when set, is the retry policy instead of the default one
	// (retry.Standard built from RetryMaxAttempts and RetryMaxBackoff,
	// which are then ignored). Set it to a retry.NewStandard with your own
	// clock, sleep or randomness to test your code's retries. The default
	// policy's limiter is shared by all calls of one client.
	Retryer retry.Retryer
	// AttemptTimeout bounds one attempt (connect, send, read) and one wait
	// for the credentials provider. Zero: 10s. The call as a whole is
	// bounded by its context.
	AttemptTimeout time.Duration
	// SignatureVersion is signer.V1 (the zero value: RPC v1 for KMS, ROA v1
	// for SAE, HMAC-SHA1) or signer.V3 (ACS3-HMAC-SHA256).
	SignatureVersion signer.Version
	// Logger receives debug events (operation, attempt, status, code,
	// request id, latency). It never receives secret values, credentials or
	// signatures. Nil: no logging.
	Logger *slog.Logger
	// Observer, when set, is told when each call starts and ends and how
	// each attempt went (status, code, request id, latency, error, the
	// delay before the next attempt): for metrics and tracing (the otel
	// module adapts it to OpenTelemetry). Nil: nothing is observed, at no
	// cost.
	Observer Observer
	// UserAgent is appended to the library's User-Agent.
	UserAgent string

	// InstanceEndpoint (KMS only) is a KMS instance gateway (KMS 3.0), as
	// a base URL ("https://kst-hzz65f1a2b3c.cryptoservice.kms.aliyuncs.com")
	// or a bare host (https). When set, GetSecretValue goes there, signed
	// with the same credentials, and BatchGetSecretValue is read there with
	// one GetSecretValue per secret; DescribeSecret, ListSecrets and
	// ListSecretVersionIDs are management operations, which only the shared
	// gateway serves, and still go to Endpoint (or the regional endpoint).
	// A malformed value, or an http:// URL without InstanceAllowHTTP, makes
	// New fail; sae.New rejects it.
	InstanceEndpoint string
	// InstanceCACert (KMS only) is the instance's CA certificate,
	// PEM-encoded (one or more CERTIFICATE blocks; the console's
	// PrivateKmsCA_kst-*.pem). It is trusted beside the system roots (or
	// beside the RootCAs of HTTPClient's transport) for connections to the
	// InstanceEndpoint host only: never for the shared gateway, a redirect
	// target or an HTTPS proxy. The instance requests go over a copy of
	// HTTPClient's *http.Transport (the default client's when HTTPClient is
	// nil) that adds the CA, so HTTPClient must then be nil or an
	// *http.Client whose Transport is nil or an *http.Transport; with
	// another HTTPClient, trust the CA in it yourself. Malformed PEM makes
	// New fail, and so does a CA without InstanceEndpoint; a per-call
	// override that clears InstanceEndpoint sends that call to the shared
	// gateway and leaves the CA unused.
	InstanceCACert []byte
	// InstanceAllowHTTP (KMS only) permits an http:// InstanceEndpoint, for
	// a local proxy that terminates TLS or a test server.
	InstanceAllowHTTP bool
}

// Service describes one API: its name (the endpoint host prefix, which
// also starts error messages), request style and version.
type Service struct {
	Name    string
	Style   Style
	Version string
	// Envelope: every answer carries a Success field (SAE), and a 2xx
	// answer with "Success": false is an error answer like any non-2xx.
	Envelope bool
}

// Style is RPC (parameters in the query, path "/") or ROA (resource paths).
type Style int

// The two API styles.
const (
	RPC Style = iota
	ROA
)
