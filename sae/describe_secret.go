package sae

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// DescribeSecretInput is the input of DescribeSecret.
type DescribeSecretInput struct {
	// NamespaceID is the namespace, e.g. "cn-beijing:test", or the region id
	// for the default namespace. Required.
	NamespaceID string `url:"NamespaceId"`
	// SecretID is the secret's numeric id. Required, positive.
	SecretID int64 `url:"SecretId"`
}

// RelateApp is an application that uses a secret.
type RelateApp struct {
	AppID   string
	AppName string
}

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

// DescribeSecretOutput is the answer of DescribeSecret; fmt and slog print
// it as they print Secret.
type DescribeSecretOutput struct {
	RequestID string
	TraceID   string
	Secret    Secret
}

// secretWire is a secret as DescribeSecret and ListSecrets send it; times
// are epoch milliseconds.
type secretWire struct {
	NamespaceID wire.String    `json:"NamespaceId"`
	SecretID    wire.Int64     `json:"SecretId"`
	SecretName  wire.String    `json:"SecretName"`
	SecretType  wire.String    `json:"SecretType"`
	CreateTime  wire.Int64     `json:"CreateTime"`
	UpdateTime  wire.Int64     `json:"UpdateTime"`
	RelateApps  relateAppsWire `json:"RelateApps"`
}

// relateAppsWire is an alias, so that it keeps wire.List's decoding (a
// wrapped list, a single element).
type relateAppsWire = wire.List[struct {
	AppID   wire.String `json:"AppId"`
	AppName wire.String `json:"AppName"`
}]

// relateApps converts the list; nil when it is empty.
func relateApps(l relateAppsWire) []RelateApp {
	var out []RelateApp
	for _, a := range l {
		out = append(out, RelateApp{AppID: string(a.AppID), AppName: string(a.AppName)})
	}
	return out
}

type describeSecretWire struct {
	envelope
	Data *struct {
		secretWire
		SecretData map[string]wire.String `json:"SecretData"`
	} `json:"Data"`
}

// missing requires Data naming a secret: a SecretId above 0 and a
// NamespaceId. "Data" whose every field is null is the answer of a gateway
// that lost the secret, not a secret with id 0.
func (w *describeSecretWire) missing() string {
	d := w.Data
	switch {
	case d == nil:
		return "no Data"
	case d.SecretID <= 0 && d.NamespaceID == "" && d.SecretName == "" && d.SecretData == nil:
		return "Data is empty (every field null or absent)"
	case d.SecretID <= 0:
		return "Data has no SecretId above 0"
	case d.NamespaceID == "":
		return "Data has no NamespaceId"
	}
	return ""
}

// DescribeSecret returns a secret with its data.
//
// Errors: a nil input, an empty NamespaceID or a SecretID below 1 fails
// before anything is sent ([signer.ErrInvalidInput]). A missing secret or
// namespace matches [ErrSecretNotFound]. "Success": false is an *APIError
// even under HTTP 200, and so is a 2xx answer that is not a secret
// document, with an empty Code.
//
// API: https://www.alibabacloud.com/help/en/sae/serverless-app-engine-classic/developer-reference/api-sae-2019-05-06-describesecret
func (c *Client) DescribeSecret(ctx context.Context, in *DescribeSecretInput, optFns ...func(*Options)) (*DescribeSecretOutput, error) {
	const op = "DescribeSecret"
	switch {
	case in == nil:
		return nil, invalid(op, "input is nil")
	case in.NamespaceID == "":
		return nil, invalid(op, "DescribeSecretInput.NamespaceID is required")
	case in.SecretID < 1:
		return nil, invalid(op, fmt.Sprintf("DescribeSecretInput.SecretID must be positive, got %d", in.SecretID))
	}
	var w describeSecretWire
	resp, err := c.call(ctx, op, DescribeSecretPath, in, &w, optFns)
	if err != nil {
		return nil, err
	}
	d := w.Data
	out := &DescribeSecretOutput{RequestID: requestID(w.RequestID, resp), TraceID: string(w.TraceID), Secret: Secret{
		NamespaceID: string(d.NamespaceID),
		SecretID:    int64(d.SecretID),
		SecretName:  string(d.SecretName),
		SecretType:  string(d.SecretType),
		CreateTime:  wire.EpochTime(int64(d.CreateTime)),
		UpdateTime:  wire.EpochTime(int64(d.UpdateTime)),
		RelateApps:  relateApps(d.RelateApps),
	}}
	if d.SecretData != nil {
		out.Secret.SecretData = make(map[string]string, len(d.SecretData))
		for k, v := range d.SecretData {
			out.Secret.SecretData[k] = string(v)
		}
	}
	return out, nil
}

// secretView and describeSecretOutputView have the fields and none of the
// methods; a describeSecretOutputView's Secret still redacts itself.
type (
	secretView               Secret
	describeSecretOutputView DescribeSecretOutput
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
