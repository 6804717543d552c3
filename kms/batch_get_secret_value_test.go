package kms_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// Bad batch input fails before anything is sent, naming the field.
func TestBatchGetSecretValueValidation(t *testing.T) {
	srv, c := newFake(t)
	many := make([]kms.BatchSecret, 21)
	for i := range many {
		many[i].SecretName = fmt.Sprintf("s%d", i)
	}
	cases := map[string]struct {
		in    *kms.BatchGetSecretValueInput
		field string
	}{
		"nil":         {nil, "input is nil"},
		"empty":       {&kms.BatchGetSecretValueInput{}, "BatchGetSecretValueInput.Secrets is empty"},
		"21 secrets":  {&kms.BatchGetSecretValueInput{Secrets: many}, "has 21 secrets; at most 20"},
		"empty name":  {&kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{{SecretName: "a"}, {}}}, "Secrets[1].SecretName is required"},
		"twice":       {&kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{{SecretName: "a"}, {SecretName: "b"}, {SecretName: "a", VersionStage: "ACSCurrent"}}}, `Secrets[2] asks for the same version of "a" as Secrets[0]`},
		"twice by id": {&kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{{SecretName: "a", VersionID: "v1"}, {SecretName: "a", VersionID: "v1"}}}, "Secrets[1]"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := c.BatchGetSecretValue(ctx, tc.in)
			require.ErrorIs(t, err, kms.ErrInvalidInput)
			assert.ErrorContains(t, err, tc.field)
			assert.Nil(t, out)
		})
	}
	assert.Zero(t, srv.Requests(), "nothing was sent")

	// Twenty, and one name at two stages, are fine.
	ok := append([]kms.BatchSecret{{SecretName: "s0", VersionStage: "ACSPrevious"}}, many[:19]...)
	out, err := c.BatchGetSecretValue(ctx, &kms.BatchGetSecretValueInput{Secrets: ok})
	require.NoError(t, err)
	assert.Len(t, out.Errors, 20, "none of them exists on the fake")
}

// The batch goes to the shared gateway unless the client has an instance;
// a per-call override that sets one reads from it.
func TestBatchGetSecretValueInstanceFallbackPerCall(t *testing.T) {
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	srv.PutSecretValue("a", "va")
	inst := srv.StartInstance()
	t.Cleanup(inst.Close)
	c, err := inst.Client()
	require.NoError(t, err)
	in := &kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{{SecretName: "a"}, {SecretName: "missing"}}}
	out, err := c.BatchGetSecretValue(ctx, in, func(o *kms.Options) { o.InstanceEndpoint = "" })
	require.NoError(t, err)
	assert.Equal(t, 1, srv.Requests(), "one batch request to the shared gateway")
	assert.Zero(t, inst.Requests())
	require.Len(t, out.SecretValues, 1)
	assert.Equal(t, "va", out.SecretValues[0].SecretData)
	require.Len(t, out.Errors, 1)
	assert.ErrorIs(t, out.Errors[0], kms.ErrSecretNotFound)

	out, err = c.BatchGetSecretValue(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, 2, inst.Requests(), "one GetSecretValue per secret at the instance")
	require.Len(t, out.SecretValues, 1)
	require.Len(t, out.Errors, 1)
	assert.Equal(t, "missing", out.Errors[0].SecretName)
	assert.ErrorIs(t, out.Errors[0], kms.ErrSecretNotFound)
}
