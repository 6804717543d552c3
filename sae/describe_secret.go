package sae

import (
	"context"
	"fmt"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// DescribeSecretInput is the input of DescribeSecret.
type DescribeSecretInput struct {
	NamespaceID string `url:"NamespaceId"` // e.g. "cn-beijing:test", or the region id for the default namespace; required
	SecretID    int64  `url:"SecretId"`    // the secret's numeric id; required, positive
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

// relateAppsWire is an alias, so that it keeps wire.List's decoding.
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

// DescribeSecret returns a secret with its data. A nil input, an empty
// NamespaceID or a SecretID below 1 fails before anything is sent
// ([signer.ErrInvalidInput]); a missing secret or namespace matches
// [ErrSecretNotFound]; a 2xx answer that is not a secret document is an
// *APIError with an empty Code.
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
	if err := c.call(ctx, op, DescribeSecretPath, in, &w, optFns); err != nil {
		return nil, err
	}
	d := w.Data
	out := &DescribeSecretOutput{RequestID: string(w.RequestID), TraceID: string(w.TraceID), Secret: Secret{
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

// DescribeSecretByNameInput is the input of DescribeSecretByName.
type DescribeSecretByNameInput struct {
	NamespaceID string // e.g. "cn-beijing:prod"; required
	SecretName  string // unique within its namespace (SAE secrets are Kubernetes secrets); required
}

// DescribeSecretByName returns the secret of that name with its data, in
// two calls: ListSecrets for its id, then DescribeSecret, whose errors it
// returns. A name not listed matches [ErrSecretNotFound] (no *APIError);
// a nil input or an empty field fails before anything is sent.
func (c *Client) DescribeSecretByName(ctx context.Context, in *DescribeSecretByNameInput, optFns ...func(*Options)) (*DescribeSecretOutput, error) {
	const op = "DescribeSecretByName"
	switch {
	case in == nil:
		return nil, invalid(op, "input is nil")
	case in.NamespaceID == "":
		return nil, invalid(op, "DescribeSecretByNameInput.NamespaceID is required")
	case in.SecretName == "":
		return nil, invalid(op, "DescribeSecretByNameInput.SecretName is required")
	}
	list, err := c.ListSecrets(ctx, &ListSecretsInput{NamespaceID: in.NamespaceID}, optFns...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, s := range list.Secrets {
		if s.SecretName == in.SecretName {
			ids = append(ids, s.SecretID)
		}
	}
	switch {
	case len(ids) == 0:
		return nil, fmt.Errorf("sae %s: %w: no secret named %q in namespace %q (ListSecrets request id %s)",
			op, ErrSecretNotFound, in.SecretName, in.NamespaceID, list.RequestID)
	case len(ids) > 1:
		return nil, fmt.Errorf("sae %s: %d secrets named %q in namespace %q (ids %v); use DescribeSecret with an id",
			op, len(ids), in.SecretName, in.NamespaceID, ids)
	case ids[0] < 1:
		return nil, fmt.Errorf("sae %s: ListSecrets gave secret %q in namespace %q the id %d, not a positive number",
			op, in.SecretName, in.NamespaceID, ids[0])
	}
	return c.DescribeSecret(ctx, &DescribeSecretInput{NamespaceID: in.NamespaceID, SecretID: ids[0]}, optFns...)
}
