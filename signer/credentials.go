package signer

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// CredentialsProvider hands out the credentials one request is signed with.
// credentials-go's credentials.Credential satisfies it, with every source
// that library knows. The clients call GetCredential once per attempt, one
// call at a time, so it need not be safe for concurrent use; it should cache
// and refresh temporary credentials itself, as credentials-go's do.
type CredentialsProvider interface {
	GetCredential() (*credentials.CredentialModel, error)
}

// Credentials is the material one signature is made with; a non-empty
// SecurityToken marks STS credentials. Every fmt verb and slog print the
// access key id and "[redacted]" in place of the secret and the token.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
}

// Validate reports an empty access key id or secret, naming the field, with
// an error matching [ErrInvalidCredentials].
func (c Credentials) Validate() error {
	switch {
	case c.AccessKeyID == "":
		return fmt.Errorf("%w: access key id is empty", ErrInvalidCredentials)
	case c.AccessKeySecret == "":
		return fmt.Errorf("%w: access key secret is empty (access key id %s)", ErrInvalidCredentials, c.AccessKeyID)
	}
	return nil
}

// String returns the access key id with the secret and token redacted.
func (c Credentials) String() string {
	return "{AccessKeyID:" + c.AccessKeyID + " AccessKeySecret:" + wire.RedactString(c.AccessKeySecret) + " SecurityToken:" + wire.RedactString(c.SecurityToken) + "}"
}

// GoString is String prefixed with the type name, for %#v.
func (c Credentials) GoString() string { return "signer.Credentials" + c.String() }

// Format makes every fmt verb print String (GoString for %#v).
func (c Credentials) Format(f fmt.State, verb rune) {
	s := c.String()
	if verb == 'v' && f.Flag('#') {
		s = c.GoString()
	}
	_, _ = f.Write([]byte(s))
}

// LogValue makes slog print the access key id and whether it is STS.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("access_key_id", c.AccessKeyID), slog.Bool("sts", c.SecurityToken != ""))
}

// FromModel converts what a [CredentialsProvider] returned into
// [Credentials]. A nil model, bearer-token credentials (which these APIs do
// not take) and an empty access key id or secret are errors matching
// [ErrInvalidCredentials] that name what is missing, never a value.
func FromModel(m *credentials.CredentialModel) (Credentials, error) {
	if m == nil {
		return Credentials{}, fmt.Errorf("%w: provider returned no credentials", ErrInvalidCredentials)
	}
	c := Credentials{AccessKeyID: deref(m.AccessKeyId), AccessKeySecret: deref(m.AccessKeySecret), SecurityToken: deref(m.SecurityToken)}
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

// StaticCredentialsProvider is a [CredentialsProvider] of fixed credentials,
// made by [StaticCredentials].
type StaticCredentialsProvider struct {
	c Credentials
}

// StaticCredentials returns a provider of an access key pair, or of STS
// credentials when token is not empty. Unlike credentials-go's static
// providers it never falls back to the environment: an empty id or secret
// fails every request with [ErrInvalidCredentials] before anything is sent.
func StaticCredentials(accessKeyID, accessKeySecret, securityToken string) *StaticCredentialsProvider {
	return &StaticCredentialsProvider{c: Credentials{AccessKeyID: accessKeyID, AccessKeySecret: accessKeySecret, SecurityToken: securityToken}}
}

// GetCredential implements [CredentialsProvider]. An empty id or secret is
// an error matching [ErrInvalidCredentials].
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

// GoString is String.
func (p *StaticCredentialsProvider) GoString() string { return p.String() }

// Format makes every fmt verb print String.
func (p *StaticCredentialsProvider) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }
