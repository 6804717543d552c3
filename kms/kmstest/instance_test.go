package kmstest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

func TestInstanceServesTheServersSecrets(t *testing.T) {
	srv := kmstest.NewServer(kmstest.WithAccessKey("LTAIinst", "inst-secret"))
	defer srv.Close()
	inst := srv.StartInstance()
	defer inst.Close()
	c, err := inst.Client()
	require.NoError(t, err)

	srv.PutSecretValue("db", "one")
	out, err := get(c, "db")
	require.NoError(t, err)
	assert.Equal(t, "one", out.SecretData)
	srv.PutSecretValue("db", "two") // a rotation on the shared side shows on the instance
	out, err = get(c, "db")
	require.NoError(t, err)
	assert.Equal(t, "two", out.SecretData)

	inst.FailNext(kmstest.Fault{Status: 503, Code: "ServiceUnavailable"})
	_, err = get(c, "db")
	require.NoError(t, err, "retried")
	assert.Equal(t, 4, inst.Requests())
	assert.Equal(t, 0, srv.Requests())

	bad, err := inst.Client(func(o *kms.Options) { o.Credentials = signer.StaticCredentials("LTAIother", "x", "") })
	require.NoError(t, err)
	_, err = get(bad, "db")
	require.ErrorIs(t, err, signer.ErrInvalidCredentials, "the instance checks signatures with the server's keys")
	_, err = get(c, "missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
}

func TestInstanceCACertIsPEM(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	a, b := srv.StartInstance(), srv.StartInstance()
	defer a.Close()
	defer b.Close()
	assert.Contains(t, string(a.CACertPEM()), "-----BEGIN CERTIFICATE-----")
	assert.NotEqual(t, a.CACertPEM(), b.CACertPEM(), "each instance has its own CA")
	// b's CA does not open a.
	c, err := a.Client(func(o *kms.Options) { o.InstanceCACert = b.CACertPEM(); o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	srv.PutSecretValue("db", "x")
	_, err = get(c, "db")
	require.Error(t, err)
	assert.Equal(t, 0, a.Requests())
}
