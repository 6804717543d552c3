package kms

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// CachedSecret is a secret version as a Cache serves it: a read-only handle
// on the value the cache holds, with a method for each field of
// GetSecretValueOutput. Returning it costs no allocation, and no caller can
// change what another one gets: there is nothing to write to, and the
// methods that return a slice or a map return copies. Output converts it to
// a GetSecretValueOutput of the caller's own.
//
// It holds no field of its own, so however it is printed (fmt with any
// verb, slog, encoding/json, inside another struct) SecretData never shows:
// its methods print it as "[redacted]", and printing it without them shows
// an address. The zero CachedSecret (returned with an error) reads as empty.
type CachedSecret struct {
	o *GetSecretValueOutput // the cache's; never written after the fetch, never handed out
}

// get returns the held output, or an empty one for the zero CachedSecret.
func (s CachedSecret) get() *GetSecretValueOutput {
	if s.o == nil {
		return &GetSecretValueOutput{}
	}
	return s.o
}

// SecretName is the secret's name.
func (s CachedSecret) SecretName() string { return s.get().SecretName }

// SecretType is Generic, Rds, RAMCredentials, ECS, ...
func (s CachedSecret) SecretType() string { return s.get().SecretType }

// SecretData is the value: text, or base64 text when SecretDataType is
// "binary" (Bytes decodes it).
func (s CachedSecret) SecretData() string { return s.get().SecretData }

// SecretDataType is "text" or "binary".
func (s CachedSecret) SecretDataType() string { return s.get().SecretDataType }

// VersionID is the version's id.
func (s CachedSecret) VersionID() string { return s.get().VersionID }

// VersionStages returns the version's stages (ACSCurrent, ACSPrevious, ...)
// in a slice of the caller's own; nil if KMS sent none.
func (s CachedSecret) VersionStages() []string { return slices.Clone(s.get().VersionStages) }

// HasStage reports whether the version carries the stage, without
// allocating.
func (s CachedSecret) HasStage(stage string) bool {
	return slices.Contains(s.get().VersionStages, stage)
}

// CreateTime is when the version was created; zero if not sent.
func (s CachedSecret) CreateTime() time.Time { return s.get().CreateTime }

// LastRotationDate is when the secret was last rotated; zero if not sent.
func (s CachedSecret) LastRotationDate() time.Time { return s.get().LastRotationDate }

// NextRotationDate is when the secret is next rotated; zero if not sent.
func (s CachedSecret) NextRotationDate() time.Time { return s.get().NextRotationDate }

// RotationInterval is the rotation period; zero if not sent.
func (s CachedSecret) RotationInterval() time.Duration { return s.get().RotationInterval }

// AutomaticRotation is Enabled, Disabled or Invalid (managed secrets).
func (s CachedSecret) AutomaticRotation() string { return s.get().AutomaticRotation }

// ExtendedConfig is JSON text (managed secrets, with FetchExtendedConfig).
func (s CachedSecret) ExtendedConfig() string { return s.get().ExtendedConfig }

// RequestID is the id of the request that fetched this version.
func (s CachedSecret) RequestID() string { return s.get().RequestID }

// Unparsed returns, in a map of the caller's own, the metadata fields KMS
// sent in a layout the client does not read (see
// GetSecretValueOutput.Unparsed); nil when every field was read.
func (s CachedSecret) Unparsed() map[string]string { return maps.Clone(s.get().Unparsed) }

// Output returns the value as a GetSecretValueOutput of the caller's own
// (its slice and map copied); nil for the zero CachedSecret.
func (s CachedSecret) Output() *GetSecretValueOutput {
	if s.o == nil {
		return nil
	}
	o := *s.o
	o.VersionStages = s.VersionStages()
	o.Unparsed = s.Unparsed()
	return &o
}

// Bytes returns the secret value as bytes, as GetSecretValueOutput.Bytes.
func (s CachedSecret) Bytes() ([]byte, error) { return s.get().Bytes() }

// DecodeJSON unmarshals the secret value into v, as
// GetSecretValueOutput.DecodeJSON.
func (s CachedSecret) DecodeJSON(v any) error { return s.get().DecodeJSON(v) }

// Format prints the value's fields with SecretData as "[redacted]", under
// every verb, as GetSecretValueOutput does.
func (s CachedSecret) Format(f fmt.State, verb rune) {
	wire.Format(f, verb, s.get().redactedView(), "kms.getSecretValueOutputView", "kms.CachedSecret")
}

// String returns the value's fields with SecretData as "[redacted]".
func (s CachedSecret) String() string { return s.get().String() }

// GoString is like String for %#v.
func (s CachedSecret) GoString() string { return fmt.Sprintf("%#v", s) }

// LogValue makes slog print the metadata and "[redacted]" for SecretData.
func (s CachedSecret) LogValue() slog.Value { return s.get().LogValue() }
