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
	assert.Contains(t, stderr.String(), `secretenv: MISSING: KMS secret "prod/nope": kms BatchGetSecretValue: Forbidden.ResourceNotFound`)
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

// The messages say what the user typed: the stage, the flag, the variable.
func TestMessagesNameWhatTheUserTyped(t *testing.T) {
	f := startFakes(t)
	f.kms.PutSecretValue("prod/db-password", "second") // the first is now ACSPrevious
	f.kms.PutSecretValue("prod/nul", "a\x00b")
	nulID, err := f.sae.PutSecret(saetest.Secret{NamespaceID: "cn-hangzhou:prod", SecretName: "nul", SecretData: map[string]string{"k": "a\x00b"}})
	require.NoError(t, err)
	for _, kv := range cleanEnv(t) {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	t.Setenv("ALIBABA_CLOUD_REGION_ID", "")
	kmsAt, saeAt := []string{"-kms-endpoint", f.kms.URL}, []string{"-sae-endpoint", f.sae.URL}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a stage the secret has not", append(kmsAt, "-kms", "DB=prod/db-password@ACSPrevius"),
			1, `secretenv: DB: KMS secret "prod/db-password" has no version with stage "ACSPrevius"`},
		{"a secret that is not there, at a stage", append(kmsAt, "-kms", "DB=prod/nope@ACSPrevious"),
			1, `secretenv: DB: KMS secret "prod/nope": kms GetSecretValue: Forbidden.ResourceNotFound`},
		{"no region for KMS", []string{"-kms", "DB=prod/db-password"},
			2, "secretenv: no region: give -region (or set ALIBABA_CLOUD_REGION_ID)"},
		{"no region for SAE", append(kmsAt, "-sae", "R=cn-hangzhou:prod:reg"),
			2, "secretenv: no region: give -region (or set ALIBABA_CLOUD_REGION_ID)"},
		{"a NUL byte in a KMS value", append(kmsAt, "-kms", "OK=prod/db-password", "-kms", "BAD=prod/nul"),
			1, `secretenv: BAD: KMS secret "prod/nul": the value holds a NUL byte, which an environment variable cannot hold`},
		{"a NUL byte in an SAE value", append(saeAt, "-sae", "S=cn-hangzhou:prod:"+strconv.FormatInt(nulID, 10)+"/k"),
			1, `secretenv: S: SAE secret ` + strconv.FormatInt(nulID, 10) + ` in cn-hangzhou:prod: the value holds a NUL byte`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			_, argv, code := prepare(context.Background(), append(tc.args, "--", "true"), nil, &stderr)
			assert.Nil(t, argv, "the command does not start")
			assert.Equal(t, tc.code, code)
			assert.Contains(t, stderr.String(), tc.want)
			assert.NotContains(t, stderr.String(), "Options.Region")
			assert.NotContains(t, stderr.String(), dbPass)
		})
	}

	// The stage that is there, and the region given by flag, work.
	var stderr bytes.Buffer
	env, argv, code := prepare(context.Background(), append(kmsAt, "-region", "cn-hangzhou", "-kms", "OLD=prod/db-password@ACSPrevious",
		"-kms", "NEW=prod/db-password", "--", "true"), nil, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Equal(t, []string{"true"}, argv)
	assert.ElementsMatch(t, []string{"OLD=" + dbPass, "NEW=second"}, env)
}
