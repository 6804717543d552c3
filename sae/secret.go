package sae

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// Secret is an SAE secret: a set of key/value pairs, Kubernetes-style.
// fmt and slog print SecretData's keys with every value "[redacted]"; read
// the map, Decoded or DockerConfig to use the values.
type Secret struct {
	NamespaceID string
	SecretID    int64
	SecretName  string
	SecretType  string            // e.g. Opaque, kubernetes.io/dockerconfigjson
	SecretData  map[string]string // as SAE returns them; Kubernetes-style values are base64 (see Decoded)
	CreateTime  time.Time
	UpdateTime  time.Time
	RelateApps  []RelateApp
}

// RelateApp is an application that uses a secret.
type RelateApp struct {
	AppID   string
	AppName string
}

// Decoded returns SecretData with each value base64-decoded, as
// Kubernetes-style secrets carry them. The error names the key whose value
// is not base64, never the value.
func (s Secret) Decoded() (map[string][]byte, error) {
	out := make(map[string][]byte, len(s.SecretData))
	for k, v := range s.SecretData {
		b, err := decodeBase64(v)
		if err != nil {
			return nil, fmt.Errorf("sae: secret %q (id %d): key %q is not valid base64: %w", s.SecretName, s.SecretID, k, err)
		}
		out[k] = b
	}
	return out, nil
}

// decodeBase64 accepts base64 with or without its padding, and reports the
// padded decoding's error.
func decodeBase64(v string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		if raw, rerr := base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "=")); rerr == nil {
			return raw, nil
		}
	}
	return b, err
}

// Docker config keys, as in Kubernetes.
const (
	DockerConfigJSONKey = ".dockerconfigjson" // type kubernetes.io/dockerconfigjson
	DockerConfigKey     = ".dockercfg"        // type kubernetes.io/dockercfg (legacy)
)

// DockerAuth is one registry's credentials from a docker config secret.
// fmt and slog print Password and Auth as "[redacted]".
type DockerAuth struct {
	Username string
	Password string
	Auth     string // base64 of "username:password", as docker stores it
	Email    string
}

// DockerConfig reads an image-registry secret (kubernetes.io/dockerconfigjson,
// or the legacy kubernetes.io/dockercfg), stored as JSON or base64 of it,
// into registry -> credentials, with Username and Password taken from Auth
// when only Auth is set. Errors name the key or registry, never a value.
func (s Secret) DockerConfig() (map[string]DockerAuth, error) {
	key := DockerConfigJSONKey
	raw, ok := s.SecretData[key]
	if !ok {
		key = DockerConfigKey
		if raw, ok = s.SecretData[key]; !ok {
			return nil, fmt.Errorf("sae: secret %q (id %d, type %s) has neither %s nor %s", s.SecretName, s.SecretID, s.SecretType, DockerConfigJSONKey, DockerConfigKey)
		}
	}
	doc := []byte(raw)
	if t := bytes.TrimSpace(doc); len(t) == 0 || t[0] != '{' {
		b, err := decodeBase64(raw)
		if err != nil {
			return nil, fmt.Errorf("sae: secret %q: key %s is neither JSON nor base64: %w", s.SecretName, key, err)
		}
		doc = b
	}
	type entry struct {
		Username wire.String `json:"username"`
		Password wire.String `json:"password"`
		Auth     wire.String `json:"auth"`
		Email    wire.String `json:"email"`
	}
	var cfg struct {
		Auths map[string]entry `json:"auths"`
	}
	target := any(&cfg)
	if key == DockerConfigKey {
		target = &cfg.Auths // the legacy file is the registry map itself
	}
	if err := wire.Unmarshal(doc, target); err != nil {
		return nil, fmt.Errorf("sae: secret %q: key %s is not a docker config: %w", s.SecretName, key, err)
	}
	out := make(map[string]DockerAuth, len(cfg.Auths))
	for registry, e := range cfg.Auths {
		a := DockerAuth{Username: string(e.Username), Password: string(e.Password), Auth: string(e.Auth), Email: string(e.Email)}
		if a.Auth != "" && a.Username == "" && a.Password == "" {
			b, err := decodeBase64(a.Auth)
			user, pass, found := strings.Cut(string(b), ":")
			if err != nil || !found {
				return nil, fmt.Errorf("sae: secret %q: registry %q: auth is not base64 of user:password", s.SecretName, registry)
			}
			a.Username, a.Password = user, pass
		}
		out[registry] = a
	}
	return out, nil
}

// The views have the fields and none of the methods, for printing a
// redacted copy; a describeSecretOutputView's Secret redacts itself.
type (
	secretView               Secret
	describeSecretOutputView DescribeSecretOutput
	dockerAuthView           DockerAuth
)

// Format prints the secret with every data value "[redacted]", under every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	v := secretView(s)
	if s.SecretData != nil {
		v.SecretData = make(map[string]string, len(s.SecretData))
		for k := range s.SecretData {
			v.SecretData[k] = wire.Redacted
		}
	}
	wire.Format(f, verb, v, "sae.secretView", "sae.Secret")
}

// String returns the secret with every data value "[redacted]".
func (s Secret) String() string { return fmt.Sprintf("%+v", s) }

// GoString is like String for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%#v", s) }

// LogValue makes slog print the metadata and the data keys, not the values.
func (s Secret) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("namespace_id", s.NamespaceID),
		slog.Int64("secret_id", s.SecretID),
		slog.String("secret_name", s.SecretName),
		slog.String("secret_type", s.SecretType),
		slog.Any("secret_keys", slices.Sorted(maps.Keys(s.SecretData))),
	)
}

// Format prints the output with every data value "[redacted]", under every verb.
func (o DescribeSecretOutput) Format(f fmt.State, verb rune) {
	wire.Format(f, verb, describeSecretOutputView(o), "sae.describeSecretOutputView", "sae.DescribeSecretOutput")
}

// String returns the output with every data value "[redacted]".
func (o DescribeSecretOutput) String() string { return fmt.Sprintf("%+v", o) }

// GoString is like String for %#v.
func (o DescribeSecretOutput) GoString() string { return fmt.Sprintf("%#v", o) }

// LogValue makes slog print the ids and the secret's metadata.
func (o DescribeSecretOutput) LogValue() slog.Value {
	return slog.GroupValue(slog.String("request_id", o.RequestID), slog.String("trace_id", o.TraceID), slog.Any("secret", o.Secret))
}

// Format redacts Password and Auth under every verb.
func (a DockerAuth) Format(f fmt.State, verb rune) {
	v := dockerAuthView(a)
	v.Password, v.Auth = wire.RedactString(v.Password), wire.RedactString(v.Auth)
	wire.Format(f, verb, v, "sae.dockerAuthView", "sae.DockerAuth")
}

// String redacts Password and Auth.
func (a DockerAuth) String() string { return fmt.Sprintf("%v", a) }

// LogValue makes slog print the username only.
func (a DockerAuth) LogValue() slog.Value {
	return slog.GroupValue(slog.String("username", a.Username), slog.String("password", wire.RedactString(a.Password)))
}
