package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

const (
	akID     = "LTAIsecretenvTest"
	akSecret = "secretenv-test-access-secret"
	dbPass   = "db-Pa55-a6f1"
	regAuth  = "cmVnLXBhc3M=" // base64 of reg-pass
)

type fakes struct {
	kms *kmstest.Server
	sae *saetest.Server
	id  int64
}

func startFakes(t *testing.T) fakes {
	t.Helper()
	ks := kmstest.NewServer(kmstest.WithAccessKey(akID, akSecret))
	t.Cleanup(ks.Close)
	ks.PutSecretValue("prod/db-password", dbPass)
	ss := saetest.NewServer(saetest.WithAccessKey(akID, akSecret))
	t.Cleanup(ss.Close)
	id, err := ss.PutSecret(saetest.Secret{NamespaceID: "cn-hangzhou:prod", SecretName: "reg", SecretData: map[string]string{"password": regAuth, "user": "ZGVwbG95"}})
	require.NoError(t, err)
	return fakes{kms: ks, sae: ss, id: id}
}

// cleanEnv is an environment where credentials-go's default chain finds
// the test key in the environment and looks nowhere else.
func cleanEnv(t *testing.T) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"ALIBABA_CLOUD_ACCESS_KEY_ID=" + akID,
		"ALIBABA_CLOUD_ACCESS_KEY_SECRET=" + akSecret,
		"ALIBABA_CLOUD_ECS_METADATA_DISABLED=true",
		"ALIBABA_CLOUD_CLI_PROFILE_DISABLED=true",
	}
}

func buildSecretenv(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "secretenv")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

func TestEndToEnd(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the child is a POSIX shell script")
	}
	f := startFakes(t)
	bin := buildSecretenv(t)
	dir := t.TempDir()
	record := filepath.Join(dir, "child-env")
	args := []string{
		"-kms-endpoint", f.kms.URL, "-sae-endpoint", f.sae.URL,
		"-kms", "DB_PASSWORD=prod/db-password",
		"-sae", "REG_PASS=cn-hangzhou:prod:" + strconv.FormatInt(f.id, 10) + "/password",
		"-sae", "REG_ALL=cn-hangzhou:prod:" + strconv.FormatInt(f.id, 10),
		"-sae", "REG_BY_NAME=cn-hangzhou:prod:reg/password",
		"--", "sh", "-c", `printf '%s\n%s\n%s\n%s\n%s\n' "$DB_PASSWORD" "$REG_PASS" "$REG_ALL" "$KEEP" "$REG_BY_NAME" > "$0"`, record,
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cleanEnv(t), "KEEP=kept", "DB_PASSWORD=to-be-replaced")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), stderr.String())
	got, err := os.ReadFile(record)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(got), "\n"), "\n")
	require.Len(t, lines, 5)
	assert.Equal(t, dbPass, lines[0])
	assert.Equal(t, regAuth, lines[1])
	assert.JSONEq(t, `{"password":"`+regAuth+`","user":"ZGVwbG95"}`, lines[2])
	assert.Equal(t, "kept", lines[3])
	assert.Equal(t, regAuth, lines[4], "by name")
	for _, out := range []string{stdout.String(), stderr.String()} {
		assert.NotContains(t, out, dbPass)
		assert.NotContains(t, out, regAuth)
	}

	// -decode gives the base64-decoded value.
	cmd = exec.Command(bin, "-sae-endpoint", f.sae.URL, "-decode", "-sae", "P=cn-hangzhou:prod:"+strconv.FormatInt(f.id, 10)+"/password",
		"--", "sh", "-c", `printf '%s' "$P" > "$0"`, record)
	cmd.Env = cleanEnv(t)
	require.NoError(t, cmd.Run())
	got, err = os.ReadFile(record)
	require.NoError(t, err)
	assert.Equal(t, "reg-pass", string(got))

	// The child's exit status is secretenv's.
	cmd = exec.Command(bin, "-kms-endpoint", f.kms.URL, "-kms", "X=prod/db-password", "--", "sh", "-c", "exit 7")
	cmd.Env = cleanEnv(t)
	err = cmd.Run()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 7, exitErr.ExitCode())
}

func TestFailedFetchStopsBeforeTheCommand(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the child is a POSIX shell script")
	}
	f := startFakes(t)
	bin := buildSecretenv(t)
	marker := filepath.Join(t.TempDir(), "started")
	cmd := exec.Command(bin, "-kms-endpoint", f.kms.URL, "-kms", "OK=prod/db-password", "-kms", "MISSING=prod/nope",
		"--", "sh", "-c", `touch "$0"`, marker)
	cmd.Env = cleanEnv(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr)
	assert.Equal(t, 1, exitErr.ExitCode())
	assert.NoFileExists(t, marker, "the command must not start")
	assert.Contains(t, stderr.String(), `secretenv: MISSING: KMS secret "prod/nope": kms GetSecretValue: Forbidden.ResourceNotFound`)
	assert.NotContains(t, stderr.String(), dbPass)

	// An SAE name that is not there: the message names it and the namespace.
	stderr.Reset()
	cmd = exec.Command(bin, "-sae-endpoint", f.sae.URL, "-sae", "R=cn-hangzhou:prod:typo/password", "--", "sh", "-c", `touch "$0"`, marker)
	cmd.Env = cleanEnv(t)
	cmd.Stderr = &stderr
	require.ErrorAs(t, cmd.Run(), &exitErr)
	assert.Equal(t, 1, exitErr.ExitCode())
	assert.NoFileExists(t, marker)
	assert.Contains(t, stderr.String(), `secretenv: R: SAE secret "typo" in cn-hangzhou:prod: sae DescribeSecretByName: resource not found: no secret named "typo" in namespace "cn-hangzhou:prod"`)
}

func TestPrepareValidation(t *testing.T) {
	env := []string{"HOME=/nonexistent"}
	cases := map[string][]string{
		"no command":              {"-kms", "A=b"},
		"no secrets":              {"--", "true"},
		"want VAR=SOURCE":         {"-kms", "nonsense", "--", "true"},
		"not an environment":      {"-kms", "1BAD=x", "--", "true"},
		"want VAR=namespace:name": {"-sae", "A=noid", "--", "true"},
		"or VAR=namespace:id":     {"-sae", "A=ns:", "--", "true"},
		"is not a positive":       {"-sae", "A=ns:0", "--", "true"},
		"empty key after /":       {"-sae", "A=ns:1/", "--", "true"},
	}
	for want, args := range cases {
		var stderr bytes.Buffer
		_, argv, code := prepare(context.Background(), args, env, &stderr)
		assert.Nil(t, argv, want)
		assert.Equal(t, 2, code, want)
		assert.Contains(t, stderr.String(), want)
	}
}

func TestParseSpecs(t *testing.T) {
	k, err := parseKMS("DB=prod/db@ACSPrevious")
	require.NoError(t, err)
	assert.Equal(t, kmsSpec{env: "DB", name: "prod/db", stage: "ACSPrevious"}, k)
	s, err := parseSAE("R=cn-beijing:test:16/" + sae.DockerConfigJSONKey)
	require.NoError(t, err)
	assert.Equal(t, saeSpec{env: "R", namespace: "cn-beijing:test", id: 16, key: ".dockerconfigjson"}, s)
	s, err = parseSAE("R=cn-beijing:16")
	require.NoError(t, err)
	assert.Equal(t, saeSpec{env: "R", namespace: "cn-beijing", id: 16}, s)
	s, err = parseSAE("R=cn-beijing:test:registry-auth/" + sae.DockerConfigJSONKey)
	require.NoError(t, err)
	assert.Equal(t, saeSpec{env: "R", namespace: "cn-beijing:test", name: "registry-auth", key: ".dockerconfigjson"}, s)
	s, err = parseSAE("R=cn-beijing:db-16")
	require.NoError(t, err)
	assert.Equal(t, saeSpec{env: "R", namespace: "cn-beijing", name: "db-16"}, s, "not all digits: a name")
	assert.ElementsMatch(t, []string{"A=1", "C=3", "B=new"}, mergeEnv([]string{"A=1", "B=old", "C=3"}, map[string]string{"B": "new"}))
}
