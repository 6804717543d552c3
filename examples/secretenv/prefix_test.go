package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms/kmstest"
)

func TestPrefixEnvName(t *testing.T) {
	tests := []struct{ prefix, name, want string }{
		{"prod/app/", "prod/app/db-password", "DB_PASSWORD"},
		{"prod/app/", "prod/app/api.key", "API_KEY"},
		{"prod/app", "prod/app/db", "DB"},
		{"prod/app/", "prod/app/2fa.seed", "_2FA_SEED"},
		{"prod/", "prod/a/b/c", "A_B_C"},
		{"prod/", "prod/Mixed-Case_9", "MIXED_CASE_9"},
		{"prod/", "prod/ünïcode", "N_CODE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := prefixEnvName(tt.prefix, tt.name)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			_, _, err = parseVar(got + "=x")
			assert.NoError(t, err, "a valid variable name")
		})
	}
	for _, name := range []string{"prod/app/", "prod/app/--", "prod/app/.ü"} {
		_, err := prefixEnvName("prod/app/", name)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), name)
	}
}

// prefixFakes starts a KMS fake with secrets under two prefixes and points
// credentials-go's default chain at its key through the environment.
func prefixFakes(t *testing.T) *kmstest.Server {
	srv := kmstest.NewServer(kmstest.WithAccessKey(akID, akSecret))
	t.Cleanup(srv.Close)
	srv.PutSecretValue("prod/app/db-password", dbPass)
	srv.PutSecretValue("prod/app/api.key", "key-1")
	srv.PutSecretValue("prod/other/token", "tok")
	srv.PutSecretValue("stage/prod/app/x", "not under the prefix")
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "prod/app/going", PlannedDeleteTime: time.Now().Add(time.Hour),
		Versions: []kmstest.Version{{ID: "v1", Stages: []string{"ACSCurrent"}, Data: "old"}}}))
	for _, kv := range cleanEnv(t) {
		k, v, _ := bytes.Cut([]byte(kv), []byte("="))
		t.Setenv(string(k), string(v))
	}
	return srv
}

func TestKMSPrefix(t *testing.T) {
	srv := prefixFakes(t)
	var stderr bytes.Buffer
	env, argv, code := prepare(context.Background(), []string{
		"-kms-endpoint", srv.URL, "-kms-prefix", "prod/app/", "-kms", "TOKEN=prod/other/token", "--", "true",
	}, []string{"KEEP=1", "API_KEY=replaced"}, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Equal(t, []string{"true"}, argv)
	assert.ElementsMatch(t, []string{"KEEP=1", "DB_PASSWORD=" + dbPass, "API_KEY=key-1", "TOKEN=tok"}, env,
		"the prefix's secrets, not the one outside it nor the one scheduled for deletion")
	assert.NotContains(t, stderr.String(), dbPass)
}

func TestKMSPrefixErrors(t *testing.T) {
	srv := prefixFakes(t)
	srv.PutSecretValue("prod/app/db.password", "clash") // DB_PASSWORD again
	tests := map[string][]string{
		`secrets "prod/app/db-password" and "prod/app/db.password" both give DB_PASSWORD`: {"-kms-prefix", "prod/app/"},
		`secret "prod/other/token" gives TOKEN, which a -kms or -sae flag sets too`:       {"-kms-prefix", "prod/other/", "-kms", "TOKEN=prod/app/api.key"},
		`-kms-prefix "nothing/": no secret's name starts with it`:                         {"-kms-prefix", "nothing/"},
	}
	for want, args := range tests {
		t.Run(want, func(t *testing.T) {
			var stderr bytes.Buffer
			_, argv, code := prepare(context.Background(), append(append([]string{"-kms-endpoint", srv.URL}, args...), "--", "true"), nil, &stderr)
			assert.Nil(t, argv)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr.String(), want)
			assert.NotContains(t, stderr.String(), dbPass)
		})
	}
	var stderr bytes.Buffer
	_, argv, code := prepare(context.Background(), []string{"-kms-prefix", "", "--", "true"}, nil, &stderr)
	assert.Nil(t, argv)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr.String(), "empty prefix")
}
