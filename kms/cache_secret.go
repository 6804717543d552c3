package kms

import (
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// CachedSecret is a secret version as a Cache serves it: the fields of
// GetSecretValueOutput, as a value. Every Get returns its own copy without
// allocating, and a caller cannot change what another one gets: the fields
// are copied, and the two that are a slice and a map in
// GetSecretValueOutput are read through methods that return fresh copies.
// Output converts it to the client's type.
//
// Like GetSecretValueOutput, it prints SecretData as "[redacted]" under fmt
// and slog.
type CachedSecret struct {
	SecretName     string
	SecretType     string
	SecretData     string // the value: text, or base64 text when SecretDataType is "binary"
	SecretDataType string // "text" or "binary"
	VersionID      string

	CreateTime       time.Time
	LastRotationDate time.Time
	NextRotationDate time.Time
	RotationInterval time.Duration

	AutomaticRotation string
	ExtendedConfig    string
	RequestID         string // of the request that fetched this version

	// Held by the cache and never written after the fetch; never handed
	// out, only copies of them.
	stages   []string
	unparsed map[string]string
}

// newCachedSecret makes the value a cache holds for o, which it owns and
// never changes after this.
func newCachedSecret(o *GetSecretValueOutput) CachedSecret {
	return CachedSecret{
		SecretName: o.SecretName, SecretType: o.SecretType, SecretData: o.SecretData,
		SecretDataType: o.SecretDataType, VersionID: o.VersionID,
		CreateTime: o.CreateTime, LastRotationDate: o.LastRotationDate,
		NextRotationDate: o.NextRotationDate, RotationInterval: o.RotationInterval,
		AutomaticRotation: o.AutomaticRotation, ExtendedConfig: o.ExtendedConfig,
		RequestID: o.RequestID,
		stages:    o.VersionStages, unparsed: o.Unparsed,
	}
}

// VersionStages returns the version's stages (ACSCurrent, ACSPrevious, ...)
// in a slice of the caller's own (nil if KMS sent none).
func (s CachedSecret) VersionStages() []string { return slices.Clone(s.stages) }

// HasStage reports whether the version carries the stage; it does not
// allocate.
func (s CachedSecret) HasStage(stage string) bool { return slices.Contains(s.stages, stage) }

// Unparsed returns, in a map of the caller's own, the metadata fields KMS
// sent in a layout the client does not read (see
// GetSecretValueOutput.Unparsed); nil when every field was read.
func (s CachedSecret) Unparsed() map[string]string { return maps.Clone(s.unparsed) }

// Output returns the value as a GetSecretValueOutput of the caller's own.
func (s CachedSecret) Output() *GetSecretValueOutput {
	return &GetSecretValueOutput{
		SecretName: s.SecretName, SecretType: s.SecretType, SecretData: s.SecretData,
		SecretDataType: s.SecretDataType, VersionID: s.VersionID, VersionStages: s.VersionStages(),
		CreateTime: s.CreateTime, LastRotationDate: s.LastRotationDate,
		NextRotationDate: s.NextRotationDate, RotationInterval: s.RotationInterval,
		AutomaticRotation: s.AutomaticRotation, ExtendedConfig: s.ExtendedConfig,
		RequestID: s.RequestID, Unparsed: s.Unparsed(),
	}
}

// Bytes returns the secret value as bytes, as GetSecretValueOutput.Bytes.
func (s CachedSecret) Bytes() ([]byte, error) {
	o := GetSecretValueOutput{SecretName: s.SecretName, SecretData: s.SecretData,
		SecretDataType: s.SecretDataType, VersionID: s.VersionID}
	return o.Bytes()
}

// DecodeJSON unmarshals the secret value into v, as
// GetSecretValueOutput.DecodeJSON.
func (s CachedSecret) DecodeJSON(v any) error {
	o := GetSecretValueOutput{SecretName: s.SecretName, SecretData: s.SecretData,
		SecretDataType: s.SecretDataType, VersionID: s.VersionID}
	return o.DecodeJSON(v)
}

// cachedSecretView has the fields of CachedSecret, the stages and unparsed
// fields exported, and none of its methods, for printing a redacted copy.
type cachedSecretView struct {
	SecretName, SecretType, SecretData, SecretDataType, VersionID string
	VersionStages                                                 []string

	CreateTime, LastRotationDate, NextRotationDate time.Time
	RotationInterval                               time.Duration

	AutomaticRotation, ExtendedConfig, RequestID string
	Unparsed                                     map[string]string
}

func (s CachedSecret) redactedView() cachedSecretView {
	return cachedSecretView{
		SecretName: s.SecretName, SecretType: s.SecretType, SecretData: wire.RedactString(s.SecretData),
		SecretDataType: s.SecretDataType, VersionID: s.VersionID, VersionStages: s.stages,
		CreateTime: s.CreateTime, LastRotationDate: s.LastRotationDate,
		NextRotationDate: s.NextRotationDate, RotationInterval: s.RotationInterval,
		AutomaticRotation: s.AutomaticRotation, ExtendedConfig: s.ExtendedConfig,
		RequestID: s.RequestID, Unparsed: s.unparsed,
	}
}

// Format prints the value with SecretData as "[redacted]", under every verb.
func (s CachedSecret) Format(f fmt.State, verb rune) {
	wire.Format(f, verb, s.redactedView(), "kms.cachedSecretView", "kms.CachedSecret")
}

// String returns the value with SecretData as "[redacted]".
func (s CachedSecret) String() string { return fmt.Sprintf("%+v", s.redactedView()) }

// GoString is like String for %#v.
func (s CachedSecret) GoString() string { return fmt.Sprintf("%#v", s) }

// LogValue makes slog print the metadata and "[redacted]" for SecretData.
func (s CachedSecret) LogValue() slog.Value { return s.Output().LogValue() }
