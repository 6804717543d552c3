//go:build integration

package sae_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// TestIntegrationSAE reads a real SAE secret. Run with
//
//	ALISECRET_IT_REGION=cn-beijing ALISECRET_IT_SAE_NAMESPACE=cn-beijing:test ALISECRET_IT_SAE_SECRET_ID=16 \
//	ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... \
//	go test -tags integration -run Integration ./sae
func TestIntegrationSAE(t *testing.T) {
	region, ns := os.Getenv("ALISECRET_IT_REGION"), os.Getenv("ALISECRET_IT_SAE_NAMESPACE")
	id, _ := strconv.ParseInt(os.Getenv("ALISECRET_IT_SAE_SECRET_ID"), 10, 64)
	if region == "" || ns == "" || id < 1 {
		t.Skip("set ALISECRET_IT_REGION, ALISECRET_IT_SAE_NAMESPACE and ALISECRET_IT_SAE_SECRET_ID (and credentials) to run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := sae.New(sae.Options{Region: region})
	require.NoError(t, err)
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: ns, SecretID: id}, func(o *sae.Options) { o.SignatureVersion = v })
		require.NoError(t, err, v)
		assert.Equal(t, id, out.Secret.SecretID)
		assert.Equal(t, ns, out.Secret.NamespaceID)
	}
	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: ns, SecretID: 1 << 40})
	require.ErrorIs(t, err, sae.ErrSecretNotFound)
}
