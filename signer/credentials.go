package signer

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/aliyun/credentials-go/credentials"
)

// CredentialsProvider hands out the credentials one request is signed with.
// credentials-go's credentials.Credential satisfies it, so every source that
// library knows (environment, profiles, ECS RAM role, OIDC/RRSA, STS role
// assumption, ...) works as it is.
//
// The clients call GetCredential once per attempt, through a guard that runs
// one retrieval at a time and shares its result with concurrent callers, so
// an implementation need not be safe for concurrent use. It should cache and
// refresh temporary credentials itself, as credentials-go's providers do.
type CredentialsProvider interface {
	GetCredential() (*credentials.CredentialModel, error)
}

// Credentials is the material one signature is made with. A non-empty
// SecurityToken marks STS credentials.
//
// Credentials never prints its secret or token: every fmt verb and slog show
// the access key id and "[redacted]" in their place.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// Validate reports an empty access key id or secret, naming the field. The
// error matches [ErrInvalidCredentials].
func (c Credentials) Validate() error {
	switch {
	case c.AccessKeyID == "":
		return fmt.Errorf("%w: access key id is empty", ErrInvalidCredentials)
	case c.AccessKeySecret == "":
		return fmt.Errorf("%w: access key secret is empty (access key id %s)", ErrInvalidCredentials, c.AccessKeyID)
	}
	return nil
}

// mask returns "[redacted]" for a non-empty s, and "" for "".
func mask(s string) string {
	if s == "" {
		return ""
	}
	return "[redacted]"
}

// String returns the access key id with the secret and token redacted.
func (c Credentials) String() string {
	return "{AccessKeyID:" + c.AccessKeyID + " AccessKeySecret:" + mask(c.AccessKeySecret) + " SecurityToken:" + mask(c.SecurityToken) + "}"
}

// GoString is String, so %#v redacts too.
func (c Credentials) GoString() string { return "signer.Credentials" + c.String() }

// Format makes every fmt verb (including %d, %x and %+v) print the redacted form.
func (c Credentials) Format(f fmt.State, verb rune) {
	s := c.String()
	if verb == 'v' && f.Flag('#') {
		s = c.GoString()
	}
	_, _ = f.Write([]byte(s))
}

// LogValue makes slog print the redacted form.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("access_key_id", c.AccessKeyID),
		slog.Bool("sts", c.SecurityToken != ""),
	)
}

// FromModel converts what a [CredentialsProvider] returned into [Credentials].
// It fails on a nil model, on bearer-token credentials (which these APIs do
// not take) and on an empty access key id or secret; each error matches
// [ErrInvalidCredentials] and names what is missing, never a value.
func FromModel(m *credentials.CredentialModel) (Credentials, error) {
	if m == nil {
		return Credentials{}, fmt.Errorf("%w: provider returned no credentials", ErrInvalidCredentials)
	}
	c := Credentials{
		AccessKeyID:     deref(m.AccessKeyId),
		AccessKeySecret: deref(m.AccessKeySecret),
		SecurityToken:   deref(m.SecurityToken),
	}
	if c.AccessKeyID == "" && deref(m.BearerToken) != "" {
		return Credentials{}, fmt.Errorf("%w: bearer-token credentials are not supported; use an access key or STS credentials", ErrInvalidCredentials)
	}
	if err := c.Validate(); err != nil {
		return Credentials{}, err
	}
	return c, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// StaticCredentialsProvider is a [CredentialsProvider] that always returns the
// same credentials. Build one with [StaticCredentials].
type StaticCredentialsProvider struct {
	c Credentials
}

// StaticCredentials returns a provider of fixed credentials: an access key
// pair, or STS credentials when token is not empty. Unlike credentials-go's
// static providers it never falls back to environment variables: an empty id
// or secret stays empty, and requests fail with [ErrInvalidCredentials] before
// anything is sent. Meant for tests and tools that already hold the values.
func StaticCredentials(accessKeyID, accessKeySecret, securityToken string) *StaticCredentialsProvider {
	return &StaticCredentialsProvider{c: Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, SecurityToken: securityToken}}
}

// GetCredential implements [CredentialsProvider]. It fails, matching
// [ErrInvalidCredentials], when the id or secret is empty.
func (p *StaticCredentialsProvider) GetCredential() (*credentials.CredentialModel, error) {
	if p == nil {
		return nil, errors.New("signer: nil StaticCredentialsProvider")
	}
	if err := p.c.Validate(); err != nil {
		return nil, err
	}
	id, secret, token := p.c.AccessKeyID, p.c.AccessKeySecret, p.c.SecurityToken
	typ := "access_key"
	if token != "" {
		typ = "sts"
	}
	return &credentials.CredentialModel{AccessKeyId: &id, AccessKeySecret: &secret, SecurityToken: &token, Type: &typ}, nil
}

// String redacts the secret and token.
func (p *StaticCredentialsProvider) String() string {
	var c Credentials
	if p != nil {
		c = p.c
	}
	return "signer.StaticCredentials" + c.String()
}

// GoString redacts the secret and token.
func (p *StaticCredentialsProvider) GoString() string { return p.String() }

// Format redacts under every fmt verb.
func (p *StaticCredentialsProvider) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }
