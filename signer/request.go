package signer

import (
	"fmt"
	"net/url"
)

// Version selects the signature scheme.
type Version int

const (
	// V1 is RPC v1 (HMAC-SHA1, parameters in the query) for RPC-style APIs
	// such as KMS, and ROA v1 (HMAC-SHA1, Authorization: acs AK:sig) for
	// ROA-style APIs such as SAE. It is the zero value and the default.
	// Alibaba's current docs call the RPC layout "signature method V2"
	// (SignatureVersion=1.0 on the wire); this package keeps the name V1.
	V1 Version = iota
	// V3 is ACS3-HMAC-SHA256 ("signature method V3" in Alibaba's docs),
	// what Alibaba's current official SDKs send.
	V3
)

// String returns "V1" or "V3".
func (v Version) String() string {
	switch v {
	case V1:
		return "V1"
	case V3:
		return "V3"
	}
	return fmt.Sprintf("Version(%d)", int(v))
}

// Request describes one API call to sign. The signer never reads the clock,
// makes a nonce or does I/O: the time, the nonce and the credentials are
// arguments of the Sign functions.
type Request struct {
	Method  string     // "GET" or "POST"
	Host    string     // host (and port, if not the default) the request goes to; ACS3 signs it
	Path    string     // ROA and ACS3: the resource path; RPC requests are always to "/"
	Query   url.Values // the operation's own parameters, raw (unencoded)
	Action  string     // API operation, e.g. "GetSecretValue"
	Version string     // API version, e.g. "2016-01-20"

	Body        []byte // request body; the three secret-reading operations send none
	ContentType string // Content-Type of Body
}

func (r *Request) check(c Credentials, nonce string) error {
	if r == nil {
		return fmt.Errorf("%w: nil signer.Request", ErrInvalidInput)
	}
	switch {
	case r.Method == "":
		return fmt.Errorf("%w: Request.Method is empty", ErrInvalidInput)
	case r.Action == "":
		return fmt.Errorf("%w: Request.Action is empty", ErrInvalidInput)
	case r.Version == "":
		return fmt.Errorf("%w: Request.Version is empty", ErrInvalidInput)
	case nonce == "":
		return fmt.Errorf("%w: signature nonce is empty", ErrInvalidInput)
	}
	return c.Validate()
}
