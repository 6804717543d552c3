package kms_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

func TestDescribeSecretDocumentedExample(t *testing.T) {
	c := rawServer(t, 200, rawserver.Fixture(t, "describe_secret.json"))
	out, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "secret001", FetchTags: true})
	require.NoError(t, err)
	assert.Equal(t, &kms.DescribeSecretOutput{
		SecretName:        "secret001",
		SecretType:        "Rds",
		Description:       "mydbinfo",
		ARN:               "acs:kms:cn-hangzhou:154035569884****:secret/secret001",
		EncryptionKeyID:   "key-hzz62f1cb66fa42qo****",
		DKMSInstanceID:    "kst-hzz62ee5303a9deq4****",
		AutomaticRotation: "Enabled",
		ExtendedConfig:    `{"SecretSubType":"SingleUser", "DBInstanceId":"rm-uf667446pc955****",  "CustomData":{} }`,
		CreateTime:        date("2022-02-21T15:39:26Z"),
		UpdateTime:        date("2022-02-22T15:39:26Z"),
		LastRotationDate:  date("2022-02-23T15:39:26Z"),
		NextRotationDate:  date("2022-03-02T15:39:26Z"),
		PlannedDeleteTime: date("2022-03-21T15:39:26Z"),
		RotationInterval:  7 * 24 * time.Hour,
		Tags:              []kms.Tag{{Key: "key1", Value: "val1"}, {Key: "env", Value: "prod"}},
		RequestID:         "6a3e9c36-1150-4881-84d3-eb8672fcafad",
	}, out)
}

func TestDescribeSecretTagShapes(t *testing.T) {
	for name, tags := range map[string]string{
		"bare array":       `[{"TagKey":"k","TagValue":"v"}]`,
		"wrapped":          `{"Tag":[{"TagKey":"k","TagValue":"v"}]}`,
		"wrapped single":   `{"Tag":{"TagKey":"k","TagValue":"v"}}`,
		"Key/Value fields": `[{"Key":"k","Value":"v"}]`,
	} {
		t.Run(name, func(t *testing.T) {
			c := rawServer(t, 200, []byte(`{"SecretName":"s","Tags":`+tags+`}`))
			out, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "s"})
			require.NoError(t, err)
			assert.Equal(t, []kms.Tag{{Key: "k", Value: "v"}}, out.Tags)
		})
	}
	out, err := rawServer(t, 200, []byte(`{"SecretName":"s","Tags":null}`)).DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "s"})
	require.NoError(t, err)
	assert.Empty(t, out.Tags)
}

func TestDescribeSecretOnFake(t *testing.T) {
	srv, c := newFake(t)
	require.NoError(t, srv.PutSecret(kmstest.Secret{
		Name: "app/db", Type: "Rds", Description: "primary", EncryptionKeyID: "key-1", DKMSInstanceID: "kst-1",
		AutomaticRotation: "Enabled", RotationInterval: 24 * time.Hour,
		CreateTime: date("2024-01-01T00:00:00Z"), UpdateTime: date("2024-02-01T00:00:00Z"),
		Tags:     []kms.Tag{{Key: "team", Value: "payments"}},
		Versions: []kmstest.Version{{ID: "v1", Stages: []string{"ACSCurrent"}, Data: "x"}},
	}))
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		out, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "app/db", FetchTags: true}, func(o *kms.Options) { o.SignatureVersion = v })
		require.NoError(t, err)
		assert.Equal(t, "acs:kms:cn-hangzhou:1234567890123456:secret/app/db", out.ARN)
		assert.Equal(t, "Rds", out.SecretType)
		assert.Equal(t, "primary", out.Description)
		assert.Equal(t, 24*time.Hour, out.RotationInterval)
		assert.Equal(t, date("2024-02-01T00:00:00Z"), out.UpdateTime)
		assert.Equal(t, []kms.Tag{{Key: "team", Value: "payments"}}, out.Tags)
		assert.True(t, out.PlannedDeleteTime.IsZero())

		out, err = c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "app/db"}, func(o *kms.Options) { o.SignatureVersion = v })
		require.NoError(t, err)
		assert.Nil(t, out.Tags, "only with FetchTags")
	}
	_, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "gone"})
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	// An ARN names the secret too.
	out, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "acs:kms:cn-hangzhou:1234567890123456:secret/app/db"})
	require.NoError(t, err)
	assert.Equal(t, "app/db", out.SecretName)
}
