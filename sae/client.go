package sae

import (
	"context"
	"fmt"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/signer"
)

// APIVersion is the SAE API version this client speaks.
const APIVersion = "2019-05-06"

// LibraryVersion is this module's version, sent in the User-Agent.
const LibraryVersion = transport.LibraryVersion

var service = transport.Service{Name: "sae", Style: transport.ROA, Version: APIVersion, Envelope: true}

// Options configure a Client; kms.Options is the same type. Every field's
// zero value is usable; only a region (here or in ALIBABA_CLOUD_REGION_ID)
// or an Endpoint is required. The fields: Region, Endpoint, Network,
// Credentials, HTTPClient, RetryMaxAttempts, RetryMaxBackoff, Retryer,
// AttemptTimeout, SignatureVersion, Logger, Observer, UserAgent, each
// documented on the type this names; the Instance* fields are KMS
// settings, which New rejects.
type Options = transport.Options

// HTTPClient sends one HTTP request; *http.Client satisfies it, and so does
// any wrapper (tracing, metrics, a test double).
type HTTPClient = transport.HTTPClient

// Client reads secrets from Serverless App Engine. It is safe for
// concurrent use; share one per process and region.
type Client struct {
	tc *transport.Client
}

// New returns a client for the options, as changed by optFns. It validates
// them (errors match [signer.ErrInvalidInput] and name the field) and does
// no I/O.
func New(opts Options, optFns ...func(*Options)) (*Client, error) {
	for _, fn := range optFns {
		fn(&opts)
	}
	if err := noInstance(opts); err != nil {
		return nil, err
	}
	tc, err := transport.New(service, opts)
	if err != nil {
		return nil, err
	}
	return &Client{tc: tc}, nil
}

// noInstance rejects the KMS instance settings, which mean nothing here.
func noInstance(o Options) error {
	field := ""
	switch {
	case o.InstanceEndpoint != "":
		field = "InstanceEndpoint"
	case len(o.InstanceCACert) > 0:
		field = "InstanceCACert"
	case o.InstanceAllowHTTP:
		field = "InstanceAllowHTTP"
	default:
		return nil
	}
	return fmt.Errorf("sae: %w: Options.%s: a KMS instance setting; SAE has no instance gateway", signer.ErrInvalidInput, field)
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.tc.Options() }

// Endpoint returns the base URL requests go to.
func (c *Client) Endpoint() string { return c.tc.Endpoint() }

// call sends operation op (GET path?query) with the call's option
// overrides and returns the success answer.
func (c *Client) call(ctx context.Context, op, path string, in any, optFns []func(*Options)) (*transport.Response, error) {
	q, err := transport.EncodeQuery(service.Name, op, in)
	if err != nil {
		return nil, err
	}
	tc := c.tc
	if len(optFns) > 0 {
		o := c.tc.Options()
		for _, fn := range optFns {
			fn(&o)
		}
		if err := noInstance(o); err != nil {
			return nil, err
		}
		if tc, err = c.tc.With(o); err != nil {
			return nil, err
		}
	}
	return tc.Do(ctx, &transport.Request{Operation: op, Method: "GET", Path: path, Query: q})
}
