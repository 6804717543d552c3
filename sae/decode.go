package sae

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"

	"github.com/alisecret/alisecret-go/internal/wire"
)

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

func decodeBase64(v string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		if raw, rerr := base64.RawStdEncoding.DecodeString(strings.TrimRight(v, "=")); rerr == nil {
			return raw, nil
		}
	}
	return b, err
}

// DockerAuth is one registry's credentials from a docker config secret.
// fmt and slog print Password and Auth as "[redacted]".
type DockerAuth struct {
	Username string
	Password string
	Auth     string // base64 of "username:password", as docker stores it
	Email    string
}

type dockerAuthView DockerAuth

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

// Docker config keys, as in Kubernetes.
const (
	DockerConfigJSONKey = ".dockerconfigjson" // type kubernetes.io/dockerconfigjson
	DockerConfigKey     = ".dockercfg"        // type kubernetes.io/dockercfg (legacy)
)

type dockerEntry struct {
	Username wire.String `json:"username"`
	Password wire.String `json:"password"`
	Auth     wire.String `json:"auth"`
	Email    wire.String `json:"email"`
}

// DockerConfig reads an image-registry secret (kubernetes.io/dockerconfigjson,
// or the legacy kubernetes.io/dockercfg) into registry -> credentials. The
// config may be stored base64-encoded or as plain JSON. Username and
// Password are filled from Auth when only Auth is set. Errors name the key
// or registry at fault, never a value.
func (s Secret) DockerConfig() (map[string]DockerAuth, error) {
	key, legacy := DockerConfigJSONKey, false
	raw, ok := s.SecretData[key]
	if !ok {
		key, legacy = DockerConfigKey, true
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
	var entries map[string]dockerEntry
	if legacy {
		if err := wire.Unmarshal(doc, &entries); err != nil {
			return nil, fmt.Errorf("sae: secret %q: key %s is not a docker config: %w", s.SecretName, key, err)
		}
	} else {
		var cfg struct {
			Auths map[string]dockerEntry `json:"auths"`
		}
		if err := wire.Unmarshal(doc, &cfg); err != nil {
			return nil, fmt.Errorf("sae: secret %q: key %s is not a docker config: %w", s.SecretName, key, err)
		}
		entries = cfg.Auths
	}
	out := make(map[string]DockerAuth, len(entries))
	for registry, e := range entries {
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
