package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// noCloud clears every credentials source the quickstart looks for, so
// "auto" picks the fake servers as on a fresh machine.
func noCloud(t *testing.T) {
	t.Helper()
	for _, v := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_ECS_METADATA", "ALIBABA_CLOUD_CREDENTIALS_FILE", "ALIBABA_CLOUD_REGION_ID"} {
		t.Setenv(v, "")
	}
	t.Setenv("HOME", t.TempDir())
}

func runQuickstart(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// The README's first command: go run ./examples/quickstart.
func TestQuickstartOnFakes(t *testing.T) {
	noCloud(t)
	for _, args := range [][]string{nil, {"-v3"}} {
		code, out, errOut := runQuickstart(t, args...)
		assert.Equal(t, 0, code, errOut)
		assert.Empty(t, errOut)
		for _, want := range []string{
			"mode: fake",
			"KMS DescribeSecret prod/db-password",
			"arn:          acs:kms:cn-hangzhou:1234567890123456:secret/prod/db-password",
			"tags:         team=payments, env=prod",
			"KMS GetSecretValue prod/db-password",
			"version:      v2 [ACSCurrent]",
			"value:        [redacted]",
			"SAE DescribeSecret registry-auth (id 1)",
			"key:          .dockerconfigjson = [redacted]",
			"registry:     registry.cn-beijing.aliyuncs.com user deploy password [redacted]",
			"used by:      checkout",
		} {
			assert.Contains(t, out, want)
		}
		for _, secret := range []string{"n3w-Pa55w0rd!", "old-Pa55w0rd", "s3cr3t", "eyJhdXRocyI6"} {
			assert.NotContains(t, out, secret)
		}
	}
}

func TestQuickstartShowValues(t *testing.T) {
	noCloud(t)
	code, out, _ := runQuickstart(t, "-show-values")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "value:        n3w-Pa55w0rd!")
	assert.Contains(t, out, "password s3cr3t")
}

func TestQuickstartErrors(t *testing.T) {
	noCloud(t)
	code, _, errOut := runQuickstart(t, "-mode", "cloud")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "cloud mode: give -secret NAME")

	code, _, errOut = runQuickstart(t, "-mode", "sideways")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `-mode must be`)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-namespace", "ns"}, "-namespace needs -sae-name or -secret-id"},
		{[]string{"-namespace", "ns", "-sae-name", "a", "-secret-id", "3"}, "give -sae-name or -secret-id, not both"},
		{[]string{"-sae-name", "a"}, "-sae-name and -secret-id need -namespace"},
		{[]string{"-secret-id", "3"}, "-sae-name and -secret-id need -namespace"},
		{[]string{"-mode", "fake", "-endpoint", "http://127.0.0.1:1"}, "-endpoint is for cloud mode"},
		{[]string{"-endpoint", "http://127.0.0.1:1"}, "cloud mode: give -secret NAME"},
	} {
		code, _, errOut = runQuickstart(t, tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, errOut, tc.want, tc.args)
	}

	// Cloud mode with a bad region fails before any network I/O.
	code, out, errOut := runQuickstart(t, "-mode", "cloud", "-region", "not a region", "-secret", "x")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "mode: cloud")
	assert.Contains(t, errOut, "Options.Region")

	code, _, _ = runQuickstart(t, "-h")
	assert.Equal(t, 0, code)
}

func TestCredentialsDetection(t *testing.T) {
	noCloud(t)
	assert.False(t, credentialsConfigured())
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIx")
	assert.True(t, credentialsConfigured())
	code, out, errOut := runQuickstart(t)
	assert.Equal(t, 2, code, "auto picks cloud mode, which needs a secret name")
	assert.Empty(t, out)
	assert.True(t, strings.Contains(errOut, "-mode fake"), errOut)
}

// oneEndpoint serves kmstest and saetest on one port, as
// examples/fakeserver does, with the given access key.
func oneEndpoint(t *testing.T, id, secret string) (*kmstest.Server, *saetest.Server, string) {
	t.Helper()
	ks := kmstest.NewServer(kmstest.WithAccessKey(id, secret))
	t.Cleanup(ks.Close)
	ss := saetest.NewServer(saetest.WithAccessKey(id, secret))
	t.Cleanup(ss.Close)
	kh, sh := ks.Handler, ss.Handler
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/pop/") {
			sh.ServeHTTP(w, r)
			return
		}
		kh.ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	return ks, ss, hs.URL
}

// The README's "A fake Alibaba Cloud for any language": the quickstart
// pointed at one endpoint, credentials from the environment, SAE by name.
func TestQuickstartAgainstOneEndpoint(t *testing.T) {
	noCloud(t)
	ks, ss, url := oneEndpoint(t, "LTAIquickstartTest", "quickstart-test-secret")
	ks.PutSecretValue("prod/db-password", "from-the-endpoint")
	id, err := ss.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:prod", SecretName: "db-credentials", SecretData: map[string]string{"password": "czNjcjN0"}})
	require.NoError(t, err)
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIquickstartTest")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "quickstart-test-secret")
	t.Setenv("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true")

	code, out, errOut := runQuickstart(t, "-endpoint", url, "-secret", "prod/db-password", "-namespace", "cn-beijing:prod", "-sae-name", "db-credentials", "-show-values")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "mode: cloud (endpoint "+url)
	assert.Contains(t, out, "value:        from-the-endpoint")
	assert.Contains(t, out, fmt.Sprintf("SAE DescribeSecret db-credentials (id %d)", id))
	assert.Contains(t, out, "key:          password = czNjcjN0")

	code, out, _ = runQuickstart(t, "-endpoint", url, "-namespace", "cn-beijing:prod", "-secret-id", strconv.FormatInt(id, 10))
	require.Equal(t, 0, code)
	assert.Contains(t, out, "SAE DescribeSecret db-credentials", "ids still work")

	code, _, errOut = runQuickstart(t, "-endpoint", url, "-namespace", "cn-beijing:prod", "-sae-name", "typo")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `reading SAE secret "typo" in cn-beijing:prod: sae DescribeSecretByName: resource not found: no secret named "typo"`)
}
