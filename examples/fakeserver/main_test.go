package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

const (
	seedKeyID     = "LTAIfakeserverTest"
	seedKeySecret = "fakeserver-test-secret"
)

func TestEndToEndWithOurClients(t *testing.T) {
	url := start(t).URL
	creds := seedCreds
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		t.Run(v.String(), func(t *testing.T) {
			kc, err := kms.New(kms.Options{Endpoint: url, Credentials: creds, SignatureVersion: v})
			require.NoError(t, err)
			val, err := kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "prod/db-password"})
			require.NoError(t, err)
			assert.Equal(t, "n3w-Pa55w0rd!", val.SecretData)
			assert.Equal(t, "v2", val.VersionID)
			prev, err := kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "prod/db-password", VersionStage: "ACSPrevious"})
			require.NoError(t, err)
			assert.Equal(t, "old-Pa55w0rd", prev.SecretData)
			batch, err := kc.BatchGetSecretValue(ctx, &kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{
				{SecretName: "prod/db-password"}, {SecretName: "prod/db-password", VersionStage: "ACSPrevious"}, {SecretName: "nope"},
			}})
			require.NoError(t, err)
			require.Len(t, batch.SecretValues, 2)
			assert.Equal(t, [2]string{"n3w-Pa55w0rd!", "old-Pa55w0rd"}, [2]string{batch.SecretValues[0].SecretData, batch.SecretValues[1].SecretData})
			require.Len(t, batch.Errors, 1)
			require.ErrorIs(t, batch.Errors[0], kms.ErrSecretNotFound)
			d, err := kc.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "prod/db-password", FetchTags: true})
			require.NoError(t, err)
			assert.Equal(t, []kms.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "payments"}}, d.Tags)
			_, err = kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "nope"})
			require.ErrorIs(t, err, kms.ErrSecretNotFound)

			sc, err := sae.New(sae.Options{Endpoint: url, Credentials: creds, SignatureVersion: v})
			require.NoError(t, err)
			list, err := sc.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:test"})
			require.NoError(t, err)
			require.Len(t, list.Secrets, 2)
			assert.Equal(t, "registry-auth", list.Secrets[0].SecretName)
			byName, err := sc.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:test", SecretName: "db-credentials"})
			require.NoError(t, err)
			assert.Equal(t, int64(17), byName.Secret.SecretID)
			assert.Equal(t, "czNjcjN0", byName.Secret.SecretData["password"])
			reg, err := sc.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: 16})
			require.NoError(t, err)
			auths, err := reg.Secret.DockerConfig()
			require.NoError(t, err)
			assert.Equal(t, "s3cr3t", auths["registry.cn-beijing.aliyuncs.com"].Password)

			for name, bad := range map[string]signer.CredentialsProvider{
				"wrong secret":   signer.StaticCredentials(seedKeyID, "wrong", ""),
				"unknown key id": signer.StaticCredentials("LTAInobody", seedKeySecret, ""),
			} {
				kb, err := kms.New(kms.Options{Endpoint: url, Credentials: bad, SignatureVersion: v})
				require.NoError(t, err)
				_, err = kb.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "prod/db-password"})
				require.ErrorIs(t, err, kms.ErrInvalidCredentials, name)
				sb, err := sae.New(sae.Options{Endpoint: url, Credentials: bad, SignatureVersion: v})
				require.NoError(t, err)
				_, err = sb.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:test"})
				require.ErrorIs(t, err, sae.ErrInvalidCredentials, name)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	cases := map[string]struct {
		args []string
		code int
		want string
	}{
		"no seed":        {nil, 2, "-seed is required"},
		"extra argument": {[]string{"-seed", "testdata/seed.json", "x"}, 2, "unexpected arguments: x"},
		"missing seed":   {[]string{"-seed", "testdata/none.json"}, 1, "no such file"},
		"bad address":    {[]string{"-seed", "testdata/seed.json", "-addr", "127.0.0.1:-1"}, 1, "listen"},
		"help":           {[]string{"-h"}, 0, "-addr"},
		"ca-out alone":   {[]string{"-seed", "testdata/seed.json", "-ca-out", "ca.pem"}, 2, "-ca-out and -tls-hosts need -tls"},
		"hosts alone":    {[]string{"-seed", "testdata/seed.json", "-tls-hosts", "a"}, 2, "need -tls"},
		"zero timeout":   {[]string{"-seed", "testdata/seed.json", "-idle-timeout", "0s"}, 2, "must be positive"},
		"bad ca-out":     {[]string{"-seed", "testdata/seed.json", "-tls", "-ca-out", "/nonexistent/dir/ca.pem"}, 1, "-ca-out"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tc.args, &stdout, &stderr)
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr.String(), tc.want)
			assert.Empty(t, stdout.String(), "no URL line unless serving")
		})
	}
}
