package kms

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/alisecret/alisecret-go/internal/transport"
	"github.com/alisecret/alisecret-go/signer"
)

// instanceOperations are the operations a KMS instance gateway serves and
// this package sends there when Options.InstanceEndpoint is set; every
// other operation is a management operation and goes to the shared
// gateway.
var instanceOperations = map[string]bool{"GetSecretValue": true}

// instance is the transport for the instance gateway and the HTTP client
// built for it, kept so that calls whose overrides leave the instance
// settings alone reuse its connections.
type instance struct {
	tc   *transport.Client
	http HTTPClient
}

func optionError(field, format string, args ...any) error {
	return fmt.Errorf("kms: %w: Options.%s: %s", signer.ErrInvalidInput, field, fmt.Sprintf(format, args...))
}

// newInstance validates the instance options and builds the instance
// transport as a variant of shared (one credentials guard, one limiter,
// one learned clock offset). It returns nil when o.InstanceEndpoint is
// empty.
func newInstance(o Options, shared *transport.Client) (*instance, error) {
	if o.InstanceEndpoint == "" {
		return nil, nil
	}
	host, err := instanceHost(o.InstanceEndpoint, o.InstanceAllowHTTP)
	if err != nil {
		return nil, err
	}
	hc, err := instanceHTTPClient(o.HTTPClient, o.InstanceCACert, host)
	if err != nil {
		return nil, err
	}
	o.Endpoint, o.HTTPClient = o.InstanceEndpoint, hc
	tc, err := shared.With(o)
	if err != nil {
		return nil, err
	}
	return &instance{tc: tc, http: hc}, nil
}

// instanceHost validates InstanceEndpoint (a base URL or a bare host, as
// Endpoint) and returns its host[:port].
func instanceHost(endpoint string, allowHTTP bool) (string, error) {
	scheme, hostport, err := transport.ResolveEndpoint("kms", "", "", endpoint)
	if err != nil {
		return "", optionError("InstanceEndpoint", "not a base URL (https://host[:port], no user info, path or query) or a bare host")
	}
	if scheme == "http" && !allowHTTP {
		return "", optionError("InstanceEndpoint", "%q is plain http: an instance gateway is reached over TLS; set InstanceAllowHTTP to send the requests unencrypted", endpoint)
	}
	return hostport, nil
}

// hostname is the lower-cased host of host[:port], without brackets.
func hostname(hostport string) string {
	u := url.URL{Host: hostport}
	return strings.ToLower(u.Hostname())
}

func nothing() {}

// transportFor returns the transport a call of op goes over, with the
// call's option overrides applied: the instance gateway's for the
// operations it serves, when one is configured, else the shared gateway's.
// done is to be called after the call: it closes the connections of an
// instance client built for this call alone.
func (c *Client) transportFor(op string, optFns []func(*Options)) (tc *transport.Client, done func(), err error) {
	toInstance := instanceOperations[op]
	if len(optFns) == 0 {
		if c.inst != nil && toInstance {
			return c.inst.tc, nothing, nil
		}
		return c.shared, nothing, nil
	}
	o := c.Options()
	for _, fn := range optFns {
		fn(&o)
	}
	switch {
	case o.InstanceEndpoint == "": // the CA, if set, is unused
		tc, err := c.shared.With(o)
		return tc, nothing, err
	case c.sameInstance(o) && toInstance:
		o.Endpoint, o.HTTPClient = o.InstanceEndpoint, c.inst.http // reuse its connections
		tc, err := c.shared.With(o)
		return tc, nothing, err
	case c.sameInstance(o):
		tc, err := c.shared.With(o)
		return tc, nothing, err
	}
	// Other instance settings for this call: bad ones fail it, whatever
	// the operation, as any bad option does.
	inst, err := newInstance(o, c.shared)
	if err != nil {
		return nil, nil, err
	}
	if !toInstance {
		closeIdle(inst.http)
		tc, err := c.shared.With(o)
		return tc, nothing, err
	}
	return inst.tc, func() { closeIdle(inst.http) }, nil
}

// sameInstance reports whether o has the client's instance settings.
func (c *Client) sameInstance(o Options) bool {
	return c.inst != nil && o.InstanceEndpoint == c.opts.InstanceEndpoint && o.InstanceAllowHTTP == c.opts.InstanceAllowHTTP &&
		bytes.Equal(o.InstanceCACert, c.opts.InstanceCACert) && sameHTTPClient(o.HTTPClient, c.opts.HTTPClient)
}

// sameHTTPClient reports whether a and b are both nil or the same
// *http.Client. Other values are never the same: comparing arbitrary
// interface values could panic.
func sameHTTPClient(a, b HTTPClient) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ca, ok1 := a.(*http.Client)
	cb, ok2 := b.(*http.Client)
	return ok1 && ok2 && ca == cb
}

// closeIdle closes the idle connections of an HTTP client built for one
// call, which nobody will reuse.
func closeIdle(hc HTTPClient) {
	if c, ok := hc.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
