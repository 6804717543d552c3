package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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

	code, _, errOut = runQuickstart(t, "-namespace", "ns")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-namespace needs -secret-id")

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
