package kms

import (
	"context"
	"iter"
	"slices"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/internal/wire"
)

const (
	// APIVersion is the KMS API version this client speaks.
	APIVersion = "2016-01-20"
	// LibraryVersion is this module's version, sent in the User-Agent.
	LibraryVersion = transport.LibraryVersion
)

var service = transport.Service{Name: "kms", Style: transport.RPC, Version: APIVersion}

type (
	// Options configure a Client (sae.Options is the same type). Only a
	// region (here or in ALIBABA_CLOUD_REGION_ID) or an Endpoint is required.
	Options = transport.Options
	// HTTPClient sends one HTTP request; *http.Client satisfies it, and so
	// does any wrapper (tracing, metrics, a test double).
	HTTPClient = transport.HTTPClient
	// Observer is told what the calls of a Client do; see Options.Observer.
	Observer = transport.Observer
	// CallInfo names a call an Observer is told about.
	CallInfo = transport.CallInfo
	// AttemptInfo is what an Observer is told after each attempt.
	AttemptInfo = transport.AttemptInfo
)

// API lists the operations of a [Client], for code that prefers its own
// mock; package kmstest, which runs the real client against the wire
// format, is usually the better test double.
type API interface {
	GetSecretValue(ctx context.Context, in *GetSecretValueInput, optFns ...func(*Options)) (*GetSecretValueOutput, error)
	BatchGetSecretValue(ctx context.Context, in *BatchGetSecretValueInput, optFns ...func(*Options)) (*BatchGetSecretValueOutput, error)
	DescribeSecret(ctx context.Context, in *DescribeSecretInput, optFns ...func(*Options)) (*DescribeSecretOutput, error)
	ListSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) (*ListSecretsOutput, error)
	ListSecretVersionIDs(ctx context.Context, in *ListSecretVersionIDsInput, optFns ...func(*Options)) (*ListSecretVersionIDsOutput, error)
	AllSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) iter.Seq2[SecretSummary, error]
	AllSecretVersions(ctx context.Context, in *ListSecretVersionIDsInput, optFns ...func(*Options)) iter.Seq2[SecretVersion, error]
}

var _ API = (*Client)(nil)

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

// head is what every KMS document has; each embeds it.
type head struct {
	RequestID wire.String `json:"RequestId"`
}

func (h *head) requestID() *wire.String { return &h.RequestID }

// document is the success answer of one KMS operation; missing says what
// a body lacks to be one ("" when nothing).
type document interface {
	requestID() *wire.String
	missing() string
}

// call sends op with a validated input and the call's overrides, and
// decodes the success answer into doc, whose RequestID is the header's
// when the body has none.
func (c *Client) call(ctx context.Context, op string, in any, doc document, optFns []func(*Options)) error {
	q, err := transport.EncodeQuery(service.Name, op, in)
	if err != nil {
		return err
	}
	tc, done, err := c.transportFor(op, optFns)
	if err != nil {
		return err
	}
	defer done()
	resp, err := tc.Do(ctx, &transport.Request{Operation: op, Method: "POST", Query: q})
	if err != nil {
		return err
	}
	// The transport decoded any error answer; a 2xx body must still be the
	// operation's document, not an error document under 200 or a proxy's.
	if err := wire.Unmarshal(resp.Body, doc); err != nil {
		return transport.NotDocument(service.Name, op, resp, err.Error())
	}
	if m := doc.missing(); m != "" {
		return transport.NotDocument(service.Name, op, resp, m)
	}
	if id := doc.requestID(); *id == "" {
		*id = wire.String(resp.RequestID())
	}
	return nil
}
