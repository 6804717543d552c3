package kms

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// GetSecretValueInput is the input of GetSecretValue.
type GetSecretValueInput struct {
	// SecretName is the secret's name, or its ARN for another account's. Required.
	SecretName string `url:"SecretName"`
	// VersionStage selects the version by stage, e.g. "ACSPrevious". Empty: ACSCurrent.
	VersionStage string `url:"VersionStage,omitempty"`
	// VersionID selects the version by id; with VersionStage, it must carry that stage.
	VersionID string `url:"VersionId,omitempty"`
	// FetchExtendedConfig asks for the ExtendedConfig of managed secrets.
	FetchExtendedConfig bool `url:"FetchExtendedConfig,omitempty"`
	// DryRun checks permissions and parameters only: the answer then matches ErrDryRun.
	DryRun bool `url:"DryRun,omitempty"`
}

// GetSecretValueOutput is a secret's value and the metadata of its version.
// fmt and slog print SecretData as "[redacted]"; read the field, Bytes or
// DecodeJSON to use it.
type GetSecretValueOutput struct {
	SecretName     string
	SecretType     string // Generic, Rds, RAMCredentials, ECS, ...
	SecretData     string // the value: text, or base64 text when SecretDataType is "binary"
	SecretDataType string // "text" or "binary"
	VersionID      string
	VersionStages  []string // e.g. ACSCurrent, ACSPrevious

	CreateTime       time.Time // when this version was created; zero if not sent
	LastRotationDate time.Time
	NextRotationDate time.Time
	RotationInterval time.Duration

	AutomaticRotation string // Enabled, Disabled or Invalid (managed secrets)
	ExtendedConfig    string // JSON text (managed secrets, with FetchExtendedConfig)
	RequestID         string

	// Unparsed holds, by wire name ("CreateTime", ...), the text of each
	// metadata field sent in a layout the client does not read; that field
	// is then zero, and the call still succeeds. Nil when all were read.
	Unparsed map[string]string
}

// secretWire is what the GetSecretValue and DescribeSecret documents share.
type secretWire struct {
	head
	SecretName        wire.String   `json:"SecretName"`
	SecretType        wire.String   `json:"SecretType"`
	CreateTime        wire.Time     `json:"CreateTime"`
	LastRotationDate  wire.Time     `json:"LastRotationDate"`
	NextRotationDate  wire.Time     `json:"NextRotationDate"`
	RotationInterval  wire.String   `json:"RotationInterval"`
	AutomaticRotation wire.String   `json:"AutomaticRotation"`
	ExtendedConfig    wire.JSONText `json:"ExtendedConfig"`
}

func (w *secretWire) missing() string {
	if w.SecretName == "" {
		return "no SecretName"
	}
	return ""
}

type getSecretValueWire struct {
	secretWire
	SecretData     wire.String       `json:"SecretData"`
	SecretDataType wire.String       `json:"SecretDataType"`
	VersionID      wire.String       `json:"VersionId"`
	VersionStages  wire.List[string] `json:"VersionStages"`
}

// GetSecretValue returns the value of a secret version: ACSCurrent unless
// the input names a stage or version id. A nil input or an empty
// SecretName fails before anything is sent ([signer.ErrInvalidInput]); a
// missing secret, version or stage matches [ErrSecretNotFound]; a 2xx
// answer that is not a GetSecretValue document is an *APIError with an
// empty Code.
//
// API: https://www.alibabacloud.com/help/en/kms/developer-reference/api-kms-2016-01-20-getsecretvalue
func (c *Client) GetSecretValue(ctx context.Context, in *GetSecretValueInput, optFns ...func(*Options)) (*GetSecretValueOutput, error) {
	const op = "GetSecretValue"
	if in == nil {
		return nil, invalid(op, "input is nil")
	}
	if in.SecretName == "" {
		return nil, invalid(op, "GetSecretValueInput.SecretName is required")
	}
	var w getSecretValueWire
	if err := c.call(ctx, op, in, &w, optFns); err != nil {
		return nil, err
	}
	return w.output(), nil
}

// output converts GetSecretValue's document, or one item of
// BatchGetSecretValue's.
func (w *getSecretValueWire) output() *GetSecretValueOutput {
	var f fields
	out := &GetSecretValueOutput{
		SecretName:        string(w.SecretName),
		SecretType:        string(w.SecretType),
		SecretData:        string(w.SecretData),
		SecretDataType:    string(w.SecretDataType),
		VersionID:         string(w.VersionID),
		VersionStages:     w.VersionStages,
		CreateTime:        f.time("CreateTime", w.CreateTime),
		LastRotationDate:  f.time("LastRotationDate", w.LastRotationDate),
		NextRotationDate:  f.time("NextRotationDate", w.NextRotationDate),
		RotationInterval:  f.duration("RotationInterval", string(w.RotationInterval)),
		AutomaticRotation: string(w.AutomaticRotation),
		ExtendedConfig:    string(w.ExtendedConfig),
		RequestID:         string(w.RequestID),
	}
	out.Unparsed = f.unparsed // after the conversions above, which fill it
	return out
}

// Bytes returns the secret value as bytes: a binary secret's base64 text
// decoded, a text secret's UTF-8 bytes. The error never quotes the value.
func (o *GetSecretValueOutput) Bytes() ([]byte, error) {
	if o == nil {
		return nil, fmt.Errorf("kms: Bytes of a nil *GetSecretValueOutput")
	}
	if !strings.EqualFold(o.SecretDataType, "binary") {
		return []byte(o.SecretData), nil
	}
	b, err := base64.StdEncoding.DecodeString(o.SecretData)
	if err != nil {
		// Some writers drop the padding; accept that, report the first error.
		if raw, rerr := base64.RawStdEncoding.DecodeString(strings.TrimRight(o.SecretData, "=")); rerr == nil {
			return raw, nil
		}
		return nil, fmt.Errorf("kms: binary secret %q (version %s): SecretData is not valid base64: %w", o.SecretName, o.VersionID, err)
	}
	return b, nil
}

// DecodeJSON unmarshals the secret value (see Bytes) into v. The error
// names the secret and what did not fit, never the value.
func (o *GetSecretValueOutput) DecodeJSON(v any) error {
	b, err := o.Bytes()
	if err != nil {
		return err
	}
	if err := wire.Unmarshal(b, v); err != nil {
		return fmt.Errorf("kms: secret %q (version %s) does not hold the JSON expected: %w", o.SecretName, o.VersionID, err)
	}
	return nil
}

// getSecretValueOutputView has the fields and none of the methods.
type getSecretValueOutputView GetSecretValueOutput

// Format prints the output with SecretData as "[redacted]", under every verb.
func (o GetSecretValueOutput) Format(f fmt.State, verb rune) {
	v := getSecretValueOutputView(o)
	v.SecretData = wire.RedactString(v.SecretData)
	wire.Format(f, verb, v, "kms.getSecretValueOutputView", "kms.GetSecretValueOutput")
}

// String returns the output with SecretData as "[redacted]".
func (o GetSecretValueOutput) String() string { return fmt.Sprintf("%+v", o) }

// GoString is like String for %#v.
func (o GetSecretValueOutput) GoString() string { return fmt.Sprintf("%#v", o) }

// LogValue makes slog print the metadata and "[redacted]" for SecretData.
func (o GetSecretValueOutput) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("secret_name", o.SecretName),
		slog.String("secret_type", o.SecretType),
		slog.String("secret_data", wire.RedactString(o.SecretData)),
		slog.String("secret_data_type", o.SecretDataType),
		slog.String("version_id", o.VersionID),
		slog.Any("version_stages", o.VersionStages),
		slog.String("request_id", o.RequestID),
	)
}

// fields converts wire metadata. A value in a layout the client does not
// know reads as the zero value and is kept, as sent, under its wire name:
// a metadata field must never cost the caller the secret.
type fields struct{ unparsed map[string]string }

func (f *fields) keep(name, raw string) {
	if f.unparsed == nil {
		f.unparsed = make(map[string]string)
	}
	f.unparsed[name] = raw
}

func (f *fields) time(name string, w wire.Time) time.Time {
	t, err := w.Value()
	if err != nil {
		f.keep(name, w.Raw())
	}
	return t
}

func (f *fields) duration(name, s string) time.Duration {
	d, err := wire.ParseSeconds(s)
	if err != nil {
		f.keep(name, s)
	}
	return d
}
