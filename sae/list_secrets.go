package sae

import (
	"context"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// ListSecretsInput is the input of ListSecrets.
type ListSecretsInput struct {
	// NamespaceID is the namespace, e.g. "cn-beijing:prod", or the region id
	// for the default namespace. Required.
	NamespaceID string `url:"NamespaceId"`
}

// SecretSummary describes one secret of a namespace, without its data.
// Absent times are the zero time.Time.
type SecretSummary struct {
	NamespaceID string
	SecretID    int64
	SecretName  string
	SecretType  string // e.g. Opaque, kubernetes.io/dockerconfigjson
	CreateTime  time.Time
	UpdateTime  time.Time
	RelateApps  []RelateApp
}

// ListSecretsOutput is the answer of ListSecrets. Secrets is in the order
// SAE sent; empty (nil) for a namespace without secrets.
type ListSecretsOutput struct {
	RequestID string
	TraceID   string
	Secrets   []SecretSummary
}

type listSecretsWire struct {
	envelope
	Data *struct {
		Secrets wire.List[struct {
			NamespaceID wire.String    `json:"NamespaceId"`
			SecretID    wire.Int64     `json:"SecretId"`
			SecretName  wire.String    `json:"SecretName"`
			SecretType  wire.String    `json:"SecretType"`
			CreateTime  wire.Int64     `json:"CreateTime"`
			UpdateTime  wire.Int64     `json:"UpdateTime"`
			RelateApps  relateAppsWire `json:"RelateApps"`
		}] `json:"Secrets"`
	} `json:"Data"`
}

// missing requires Data: "Success": true alone is not a secret list.
func (w *listSecretsWire) missing() string {
	if w.Data == nil {
		return "no Data"
	}
	return ""
}

// ListSecrets returns the secrets of a namespace, without their data
// (GET /pop/v1/sam/secret/secrets). CreateTime and UpdateTime arrive as
// epoch milliseconds.
//
// Errors: a nil input or an empty NamespaceID fails before anything is
// sent (signer.ErrInvalidInput, naming the field). An unknown namespace
// matches ErrSecretNotFound. SAE's "Success": false is an *APIError even
// under HTTP 200; a 2xx body without "Success": true and Data is a decoding
// error.
//
// API: https://www.alibabacloud.com/help/en/sae/serverless-app-engine-classic/developer-reference/api-sae-2019-05-06-listsecrets
func (c *Client) ListSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) (*ListSecretsOutput, error) {
	const op = "ListSecrets"
	switch {
	case in == nil:
		return nil, invalid(op, "input is nil")
	case in.NamespaceID == "":
		return nil, invalid(op, "ListSecretsInput.NamespaceID is required")
	}
	resp, err := c.call(ctx, op, ListSecretsPath, in, optFns)
	if err != nil {
		return nil, err
	}
	var w listSecretsWire
	if err := decode(op, resp, &w); err != nil {
		return nil, err
	}
	out := &ListSecretsOutput{RequestID: requestID(w.RequestID, resp), TraceID: string(w.TraceID)}
	for _, s := range w.Data.Secrets {
		sum := SecretSummary{
			NamespaceID: string(s.NamespaceID),
			SecretID:    int64(s.SecretID),
			SecretName:  string(s.SecretName),
			SecretType:  string(s.SecretType),
			CreateTime:  wire.EpochTime(int64(s.CreateTime)),
			UpdateTime:  wire.EpochTime(int64(s.UpdateTime)),
			RelateApps:  relateApps(s.RelateApps),
		}
		out.Secrets = append(out.Secrets, sum)
	}
	return out, nil
}
