package kms

import (
	"context"
	"slices"

	"github.com/alisecret/alisecret-go/internal/transport"
)

// APIVersion is the KMS API version this client speaks.
const APIVersion = "2016-01-20"

// LibraryVersion is this module's version, sent in the User-Agent.
const LibraryVersion = transport.LibraryVersion

var service = transport.Service{Name: "kms", Style: transport.RPC, Version: APIVersion}

// Options configure a Client; sae.Options is the same type. Every field's
// zero value is usable; only a region (here or in ALIBABA_CLOUD_REGION_ID)
// or an Endpoint is required. The fields: Region, Endpoint, Network,
// Credentials, HTTPClient, RetryMaxAttempts, RetryMaxBackoff, Retryer,
// AttemptTimeout, SignatureVersion, Logger, Observer, UserAgent, and for
// KMS instance gateways InstanceEndpoint, InstanceCACert and
// InstanceAllowHTTP; each is documented on the type this names.
type Options = transport.Options

// HTTPClient sends one HTTP request; *http.Client satisfies it, and so does
// any wrapper (tracing, metrics, a test double).
type HTTPClient = transport.HTTPClient

// Client reads secrets from KMS Secrets Manager. It is safe for concurrent
// use; share one per process and region.
type Client struct {
	opts   Options
	shared *transport.Client // the shared gateway: every operation but those an instance serves
	inst   *instance         // nil without Options.InstanceEndpoint
}

// New returns a client for the options, as changed by optFns. It validates
// them (errors match [signer.ErrInvalidInput] and name the field) and does
// no I/O.
func New(opts Options, optFns ...func(*Options)) (*Client, error) {
	for _, fn := range optFns {
		fn(&opts)
	}
	opts.InstanceCACert = slices.Clone(opts.InstanceCACert) // the caller may reuse the slice
	if opts.InstanceEndpoint == "" && len(opts.InstanceCACert) > 0 {
		return nil, optionError("InstanceCACert", "set without InstanceEndpoint")
	}
	shared, err := transport.New(service, opts)
	if err != nil {
		return nil, err
	}
	c := &Client{opts: opts, shared: shared}
	if c.inst, err = newInstance(opts, shared); err != nil {
		return nil, err
	}
	return c, nil
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options {
	o := c.opts
	o.InstanceCACert = slices.Clone(o.InstanceCACert)
	return o
}

// Endpoint returns the base URL of the shared gateway, where every
// operation goes except those InstanceEndpoint takes.
func (c *Client) Endpoint() string { return c.shared.Endpoint() }

// InstanceEndpoint returns the base URL GetSecretValue goes to when
// Options.InstanceEndpoint is set, and "" otherwise.
func (c *Client) InstanceEndpoint() string {
	if c.inst == nil {
		return ""
	}
	return c.inst.tc.Endpoint()
}

// call encodes a validated input with go-querystring, sends operation op
// with the call's option overrides and returns the success answer.
func (c *Client) call(ctx context.Context, op string, in any, optFns []func(*Options)) (*transport.Response, error) {
	q, err := transport.EncodeQuery(service.Name, op, in)
	if err != nil {
		return nil, err
	}
	tc, done, err := c.transportFor(op, optFns)
	if err != nil {
		return nil, err
	}
	defer done()
	return tc.Do(ctx, &transport.Request{Operation: op, Method: "POST", Query: q})
}
