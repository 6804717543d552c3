//go:build integration

package kms_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// TestIntegrationKMS reads a real secret. Run with
//
//	ALISECRET_IT_REGION=cn-hangzhou ALISECRET_IT_KMS_SECRET=name \
//	ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... \
//	go test -tags integration -run Integration ./kms
func TestIntegrationKMS(t *testing.T) {
	region, name := os.Getenv("ALISECRET_IT_REGION"), os.Getenv("ALISECRET_IT_KMS_SECRET")
	if region == "" || name == "" {
		t.Skip("set ALISECRET_IT_REGION and ALISECRET_IT_KMS_SECRET (and credentials) to run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := kms.New(kms.Options{Region: region})
	require.NoError(t, err)
	d, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: name, FetchTags: true})
	require.NoError(t, err)
	assert.Equal(t, name, d.SecretName)
	assert.NotEmpty(t, d.ARN)
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: name}, func(o *kms.Options) { o.SignatureVersion = v })
		require.NoError(t, err, v)
		assert.Equal(t, name, out.SecretName)
		assert.Contains(t, out.VersionStages, "ACSCurrent")
	}
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: name + "-does-not-exist-alisecret"})
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
}
