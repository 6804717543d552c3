package kms

import (
	"context"
	"time"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// DescribeSecretInput is the input of DescribeSecret.
type DescribeSecretInput struct {
	// SecretName is the secret's name or ARN. Required.
	SecretName string `url:"SecretName"`
	// FetchTags asks for the secret's tags.
	FetchTags bool `url:"FetchTags,omitempty"`
}

// Tag is one resource tag.
type Tag struct {
	Key, Value string
}

// DescribeSecretOutput is a secret's metadata. It carries no secret value.
type DescribeSecretOutput struct {
	SecretName        string
	SecretType        string // Generic, Rds, RAMCredentials, ECS, ...
	Description       string
	ARN               string // acs:kms:<region>:<account>:secret/<name>
	EncryptionKeyID   string
	DKMSInstanceID    string
	AutomaticRotation string // Enabled, Disabled or Invalid
	ExtendedConfig    string // JSON text (managed secrets)

	CreateTime        time.Time
	UpdateTime        time.Time
	LastRotationDate  time.Time
	NextRotationDate  time.Time
	PlannedDeleteTime time.Time // set when deletion is scheduled
	RotationInterval  time.Duration

	Tags      []Tag // with FetchTags
	RequestID string

	Unparsed map[string]string // fields sent in an unknown layout (see GetSecretValueOutput)
}

// tagWire is a tag as KMS sends it: TagKey/TagValue or Key/Value.
type tagWire struct {
	TagKey   wire.String `json:"TagKey"`
	TagValue wire.String `json:"TagValue"`
	Key      wire.String `json:"Key"`
	Value    wire.String `json:"Value"`
}

func tags(ws []tagWire) []Tag {
	var out []Tag
	for _, t := range ws {
		tag := Tag{Key: string(t.TagKey), Value: string(t.TagValue)}
		if tag.Key == "" {
			tag = Tag{Key: string(t.Key), Value: string(t.Value)}
		}
		out = append(out, tag)
	}
	return out
}

type describeSecretWire struct {
	secretWire
	Description       wire.String        `json:"Description"`
	ARN               wire.String        `json:"Arn"`
	EncryptionKeyID   wire.String        `json:"EncryptionKeyId"`
	DKMSInstanceID    wire.String        `json:"DKMSInstanceId"`
	UpdateTime        wire.Time          `json:"UpdateTime"`
	PlannedDeleteTime wire.Time          `json:"PlannedDeleteTime"`
	Tags              wire.List[tagWire] `json:"Tags"`
}

// DescribeSecret returns a secret's metadata (no value). Its errors are
// those of GetSecretValue.
//
// API: https://www.alibabacloud.com/help/en/kms/developer-reference/api-kms-2016-01-20-describesecret
func (c *Client) DescribeSecret(ctx context.Context, in *DescribeSecretInput, optFns ...func(*Options)) (*DescribeSecretOutput, error) {
	const op = "DescribeSecret"
	if in == nil {
		return nil, invalid(op, "input is nil")
	}
	if in.SecretName == "" {
		return nil, invalid(op, "DescribeSecretInput.SecretName is required")
	}
	var w describeSecretWire
	if err := c.call(ctx, op, in, &w, optFns); err != nil {
		return nil, err
	}
	var f fields
	out := &DescribeSecretOutput{
		SecretName:        string(w.SecretName),
		SecretType:        string(w.SecretType),
		Description:       string(w.Description),
		ARN:               string(w.ARN),
		EncryptionKeyID:   string(w.EncryptionKeyID),
		DKMSInstanceID:    string(w.DKMSInstanceID),
		AutomaticRotation: string(w.AutomaticRotation),
		ExtendedConfig:    string(w.ExtendedConfig),
		CreateTime:        f.time("CreateTime", w.CreateTime),
		UpdateTime:        f.time("UpdateTime", w.UpdateTime),
		LastRotationDate:  f.time("LastRotationDate", w.LastRotationDate),
		NextRotationDate:  f.time("NextRotationDate", w.NextRotationDate),
		PlannedDeleteTime: f.time("PlannedDeleteTime", w.PlannedDeleteTime),
		RotationInterval:  f.duration("RotationInterval", string(w.RotationInterval)),
		Tags:              tags(w.Tags),
		RequestID:         string(w.RequestID),
	}
	out.Unparsed = f.unparsed // after the conversions above, which fill it
	return out, nil
}
