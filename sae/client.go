package sae

import (
	"context"
	"fmt"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

const (
	// APIVersion is the SAE API version this client speaks.
	APIVersion = "2019-05-06"
	// LibraryVersion is this module's version, sent in the User-Agent.
	LibraryVersion = transport.LibraryVersion
	// DescribeSecretPath is the resource path of DescribeSecret.
	DescribeSecretPath = "/pop/v1/sam/secret/secret"
	// ListSecretsPath is the resource path of ListSecrets.
	ListSecretsPath = "/pop/v1/sam/secret/secrets"
)

var service = transport.Service{Name: "sae", Style: transport.ROA, Version: APIVersion, Envelope: true}

type (
	// Options configure a Client (kms.Options is the same type, whose
	// Instance* fields New rejects). Only a region (here or in
	// ALIBABA_CLOUD_REGION_ID) or an Endpoint is required.
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
// mock; package saetest, which runs the real client against the wire
// format, is usually the better test double.
type API interface {
	DescribeSecret(ctx context.Context, in *DescribeSecretInput, optFns ...func(*Options)) (*DescribeSecretOutput, error)
	DescribeSecretByName(ctx context.Context, in *DescribeSecretByNameInput, optFns ...func(*Options)) (*DescribeSecretOutput, error)
	ListSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) (*ListSecretsOutput, error)
}

var _ API = (*Client)(nil)

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

func invalid(op, msg string) error {
	return fmt.Errorf("sae %s: %w: %s", op, signer.ErrInvalidInput, msg)
}

// Options returns a copy of the client's options.
func (c *Client) Options() Options { return c.tc.Options() }

// Endpoint returns the base URL requests go to.
func (c *Client) Endpoint() string { return c.tc.Endpoint() }

// envelope is SAE's wrapper around every answer, which each document embeds.
type envelope struct {
	RequestID wire.String `json:"RequestId"`
	TraceID   wire.String `json:"TraceId"`
	Success   *wire.Bool  `json:"Success"`
}

func (e *envelope) head() *envelope { return e }

// document is the success answer of one SAE operation; missing says what a
// body lacks to be one ("" when nothing).
type document interface {
	head() *envelope
	missing() string
}

// call sends op (GET path?query) with the call's overrides and decodes the
// success answer into doc, whose RequestID is the header's when the body
// has none.
func (c *Client) call(ctx context.Context, op, path string, in any, doc document, optFns []func(*Options)) error {
	q, err := transport.EncodeQuery(service.Name, op, in)
	if err != nil {
		return err
	}
	tc := c.tc
	if len(optFns) > 0 {
		o := c.tc.Options()
		for _, fn := range optFns {
			fn(&o)
		}
		if err := noInstance(o); err != nil {
			return err
		}
		if tc, err = c.tc.With(o); err != nil {
			return err
		}
	}
	resp, err := tc.Do(ctx, &transport.Request{Operation: op, Method: "GET", Path: path, Query: q})
	if err != nil {
		return err
	}
	// The transport decoded any error answer ("Success": false included);
	// a 2xx body must still be the operation's document.
	if err := wire.Unmarshal(resp.Body, doc); err != nil {
		return transport.NotDocument(service.Name, op, resp, err.Error())
	}
	h := doc.head()
	if h.Success == nil || !bool(*h.Success) {
		return transport.NotDocument(service.Name, op, resp, `no "Success": true`)
	}
	if m := doc.missing(); m != "" {
		return transport.NotDocument(service.Name, op, resp, m)
	}
	if h.RequestID == "" {
		h.RequestID = wire.String(resp.RequestID())
	}
	return nil
}
