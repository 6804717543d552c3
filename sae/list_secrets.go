package sae

import (
	"context"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// ListSecretsInput is the input of ListSecrets.
type ListSecretsInput struct {
	NamespaceID string `url:"NamespaceId"` // e.g. "cn-beijing:prod", or the region id for the default namespace; required
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
// SAE sent; nil for a namespace without secrets.
type ListSecretsOutput struct {
	RequestID string
	TraceID   string
	Secrets   []SecretSummary
}

type listSecretsWire struct {
	envelope
	Data *struct {
		Secrets wire.List[secretWire] `json:"Secrets"`
	} `json:"Data"`
}

// missing requires Data: "Success": true alone is not a secret list.
func (w *listSecretsWire) missing() string {
	if w.Data == nil {
		return "no Data"
	}
	return ""
}

// ListSecrets returns the secrets of a namespace, without their data. A
// nil input or an empty NamespaceID fails before anything is sent
// ([signer.ErrInvalidInput]); an unknown namespace matches
// [ErrSecretNotFound].
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
	var w listSecretsWire
	if err := c.call(ctx, op, ListSecretsPath, in, &w, optFns); err != nil {
		return nil, err
	}
	out := &ListSecretsOutput{RequestID: string(w.RequestID), TraceID: string(w.TraceID)}
	for _, s := range w.Data.Secrets {
		out.Secrets = append(out.Secrets, SecretSummary{
			NamespaceID: string(s.NamespaceID),
			SecretID:    int64(s.SecretID),
			SecretName:  string(s.SecretName),
			SecretType:  string(s.SecretType),
			CreateTime:  wire.EpochTime(int64(s.CreateTime)),
			UpdateTime:  wire.EpochTime(int64(s.UpdateTime)),
			RelateApps:  relateApps(s.RelateApps),
		})
	}
	return out, nil
}
