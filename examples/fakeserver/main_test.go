package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw/sdkreplay"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

const (
	seedKeyID     = "LTAIfakeserverTest"
	seedKeySecret = "fakeserver-test-secret"
)

// startRun runs the command on 127.0.0.1:0 and returns the URL of its
// first output line; the command stops when the test ends.
func startRun(t *testing.T, seed string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	var wg sync.WaitGroup
	code := -1
	wg.Add(1)
	go func() {
		defer wg.Done()
		code = run(ctx, []string{"-addr", "127.0.0.1:0", "-seed", seed}, pw, &stderr)
		_ = pw.Close()
	}()
	lines := bufio.NewReader(pr)
	first, err := lines.ReadString('\n')
	require.NoError(t, err, stderr.String())
	go func() { _, _ = io.Copy(io.Discard, lines) }()
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		assert.Equal(t, 0, code, "a clean stop after the context ends")
	})
	url := strings.TrimSpace(first)
	require.True(t, strings.HasPrefix(url, "http://127.0.0.1:"), url)
	return url
}

func TestEndToEndWithOurClients(t *testing.T) {
	url := startRun(t, "testdata/seed.json")
	creds := signer.StaticCredentials(seedKeyID, seedKeySecret, "")
	ctx := context.Background()
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

// The official SDKs' request shapes, as recorded for kmstest and saetest,
// are served by the one port too, and refused with a wrong key.
func TestOfficialSDKShapes(t *testing.T) {
	url := startRun(t, "testdata/seed.json")
	key := sdkreplay.Key{ID: seedKeyID, Secret: seedKeySecret}
	sts := sdkreplay.Key{ID: "STS.fakeserverTest", Secret: "fakeserver-sts-secret", Token: "CAIS+sts/token=="}
	for file, k := range map[string]sdkreplay.Key{
		"../../kms/kmstest/testdata/sdk_requests.json":     key,
		"../../sae/saetest/testdata/sdk_requests.json":     key,
		"../../kms/kmstest/testdata/sdk_requests_sts.json": sts,
		"../../sae/saetest/testdata/sdk_requests_sts.json": sts,
	} {
		t.Run(file, func(t *testing.T) {
			sdkreplay.CheckAll(t, file, url, http.DefaultClient, k, time.Now)
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
