package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae"
)

var src = Sources{DBSecret: "prod/db", APIKeySecret: "prod/api-key", RegistryNS: "cn-hangzhou:prod", RegistrySecret: 7, RegistryHost: "reg.example.com"}

type fixture struct {
	k     *kms.Client
	s     *sae.Client
	cache *kms.Cache
}

func setup(t *testing.T) *fixture {
	t.Helper()
	k, s, stop, err := fakes(src)
	t.Cleanup(stop)
	require.NoError(t, err)
	return &fixture{k: k, s: s, cache: newCache(t, k)}
}

func newCache(t *testing.T, k *kms.Client) *kms.Cache {
	t.Helper()
	c := kms.NewCache(k, kms.CacheOptions{})
	t.Cleanup(c.Close)
	return c
}

func TestLoadConfig(t *testing.T) {
	f := setup(t)
	cfg, err := LoadConfig(context.Background(), f.cache, f.s, src)
	require.NoError(t, err)
	assert.Equal(t, DBConfig{Host: "db.internal", Port: 5432, User: "checkout", Password: "pg-s3cr3t"}, cfg.DB)
	assert.Equal(t, "ak-0123456789abcdef", cfg.APIKey)
	assert.Equal(t, "deploy", cfg.Registry.Username)
	assert.Equal(t, "reg-s3cr3t", cfg.Registry.Password)
}

func TestLoadConfigNamesTheFailingSecret(t *testing.T) {
	f := setup(t)
	missing := src
	missing.APIKeySecret = "prod/renamed-key"
	_, err := LoadConfig(context.Background(), f.cache, f.s, missing)
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	assert.Contains(t, err.Error(), `loading KMS secret "prod/renamed-key": kms BatchGetSecretValue: Forbidden.ResourceNotFound`)
	assert.Contains(t, err.Error(), "check the name and the region")

	wrongNS := src
	wrongNS.RegistryNS = "cn-hangzhou:staging"
	_, err = LoadConfig(context.Background(), f.cache, f.s, wrongNS)
	require.ErrorIs(t, err, sae.ErrSecretNotFound)
	assert.Contains(t, err.Error(), "loading SAE secret 7 in namespace cn-hangzhou:staging")

	badJSON := src
	badJSON.DBSecret = "prod/api-key" // holds text, not JSON
	_, err = LoadConfig(context.Background(), f.cache, f.s, badJSON)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `loading KMS secret "prod/api-key": kms: secret "prod/api-key"`)
	assert.NotContains(t, err.Error(), "ak-0123456789abcdef")
}

func TestLoadConfigDeadline(t *testing.T) {
	ks := kmstest.NewServer()
	defer ks.Close()
	ks.PutSecretValue("prod/db", `{"host":"h","password":"p"}`)
	ks.PutSecretValue("prod/api-key", "k")
	ks.FailNext(kmstest.Fault{Delay: time.Minute}, kmstest.Fault{Delay: time.Minute})
	k, err := ks.Client()
	require.NoError(t, err)
	s := setup(t).s // the SAE secret loads: only the deadline can fail the load
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { _, err := LoadConfig(ctx, newCache(t, k), s, src); done <- err }()
	select {
	case err = <-done:
	case <-time.After(10 * time.Second): // liveness bound: the answers take a minute
		t.Fatal("LoadConfig outlived its deadline")
	}
	require.ErrorIs(t, err, context.DeadlineExceeded, "the deadline, not another failure, ended the load")
	assert.Contains(t, err.Error(), "loading ")
}

func TestMainOnFakes(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(nil, &out, &errOut)
	assert.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "config loaded: database checkout@db.internal:5432, API key of 19 bytes, registry user deploy")
	assert.NotContains(t, out.String(), "pg-s3cr3t")
	assert.NotContains(t, out.String(), "reg-s3cr3t")

	out.Reset()
	errOut.Reset()
	code = run([]string{"-db", "prod/db", "-api-key", ""}, &out, &errOut)
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), `startup: not starting: loading KMS secrets "prod/db" and "": kms Cache.Preload: invalid input: names[1] is empty`)
}

// The KMS secrets come in one request, and stay in the cache for the
// service's later reads.
func TestLoadConfigReadsKMSInOneRequest(t *testing.T) {
	ks := kmstest.NewServer()
	defer ks.Close()
	ks.PutSecretValue(src.DBSecret, `{"host":"h","password":"p"}`)
	ks.PutSecretValue(src.APIKeySecret, "k")
	k, err := ks.Client()
	require.NoError(t, err)
	cache := newCache(t, k)
	cfg, err := LoadConfig(context.Background(), cache, setup(t).s, src)
	require.NoError(t, err)
	assert.Equal(t, "k", cfg.APIKey)
	assert.Equal(t, 1, ks.Requests(), "one BatchGetSecretValue for both secrets")
	out, err := cache.Get(context.Background(), src.DBSecret)
	require.NoError(t, err)
	assert.Equal(t, `{"host":"h","password":"p"}`, out.SecretData)
	assert.Equal(t, 1, ks.Requests(), "served from memory")
}
