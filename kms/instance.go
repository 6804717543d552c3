package kms

import (
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
// built for it, kept so per-call overrides that leave the instance settings
// alone reuse its connections.
type instance struct {
	tc   *transport.Client
	http HTTPClient
}

func optionError(field, format string, args ...any) error {
	return fmt.Errorf("kms: %w: Options.%s: %s", signer.ErrInvalidInput, field, fmt.Sprintf(format, args...))
}

// newInstance validates the instance options and builds the instance
// transport from shared, the shared gateway's, with which it shares the
// credentials (one default chain, one retrieval at a time) and the learned
// clock offset. It returns nil when o.InstanceEndpoint is empty.
func newInstance(o Options, shared *transport.Client) (*instance, error) {
	if o.InstanceEndpoint == "" {
		if len(o.InstanceCACert) > 0 {
			return nil, optionError("InstanceCACert", "set without InstanceEndpoint")
		}
		return nil, nil
	}
	host, err := instanceHost(o.InstanceEndpoint, o.InstanceAllowHTTP)
	if err != nil {
		return nil, err
	}
	hc, err := instanceHTTPClient(o.HTTPClient, o.InstanceCACert, host, false)
	if err != nil {
		return nil, err
	}
	tc, err := shared.With(o.instanceTransport(hc))
	if err != nil {
		return nil, err
	}
	return &instance{tc: tc, http: hc}, nil
}

// instanceTransport is the transport options for the instance gateway.
func (o Options) instanceTransport(hc HTTPClient) transport.Options {
	t := o.transport()
	t.Endpoint, t.HTTPClient = o.InstanceEndpoint, hc
	return t
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

// transportFor returns the transport an operation's call goes over: the
// instance gateway's for the operations it serves, when configured, and
// the shared gateway's otherwise, with the call's option overrides applied.
func (c *Client) transportFor(op string, optFns []func(*Options)) (*transport.Client, error) {
	if len(optFns) == 0 {
		if c.inst != nil && instanceOperations[op] {
			return c.inst.tc, nil
		}
		return c.tc, nil
	}
	o := c.opts
	for _, fn := range optFns {
		fn(&o)
	}
	same := c.sameInstance(o)
	if o.InstanceEndpoint == "" || !instanceOperations[op] {
		if !same {
			// Bad instance options fail every call, as any bad option does.
			if _, err := newInstance(o, c.tc); err != nil {
				return nil, err
			}
		}
		return c.tc.With(o.transport())
	}
	var hc HTTPClient
	if same {
		hc = c.inst.http // reuse its connections
	} else {
		host, err := instanceHost(o.InstanceEndpoint, o.InstanceAllowHTTP)
		if err != nil {
			return nil, err
		}
		if hc, err = instanceHTTPClient(o.HTTPClient, o.InstanceCACert, host, true); err != nil {
			return nil, err
		}
	}
	return c.tc.With(o.instanceTransport(hc))
}

// sameInstance reports whether o has the client's instance settings.
func (c *Client) sameInstance(o Options) bool {
	if c.inst == nil {
		return o.InstanceEndpoint == "" && len(o.InstanceCACert) == 0
	}
	return o.InstanceEndpoint == c.opts.InstanceEndpoint && o.InstanceAllowHTTP == c.opts.InstanceAllowHTTP &&
		string(o.InstanceCACert) == string(c.opts.InstanceCACert) && sameHTTPClient(o.HTTPClient, c.opts.HTTPClient)
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
