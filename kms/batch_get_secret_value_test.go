package kms_test

import (
	"fmt"
	"testing"
	"time"

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

// The batch answer as the service documents it: a value or an error
// without a RequestId of its own carries the batch's; an answer may hold
// only values or only errors; one with neither is not a batch document.
func TestBatchGetSecretValueAnswers(t *testing.T) {
	in := &kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{{SecretName: "a"}, {SecretName: "b"}, {SecretName: "gone"}}}
	value := func(name, reqID string) string {
		id := ""
		if reqID != "" {
			id = fmt.Sprintf(`"RequestId":%q,`, reqID)
		}
		return fmt.Sprintf(`{%s"SecretName":%q,"SecretData":"v-%s","SecretDataType":"text","VersionId":"v1",`+
			`"VersionStages":{"VersionStage":["ACSCurrent"]},"CreateTime":"2026-08-05T10:00:00Z"}`, id, name, name)
	}
	const gone = `{"SecretName":"gone","Code":"Forbidden.ResourceNotFound","HttpStatus":404,"Message":"Resource not found."}`
	const goneOwnID = `{"SecretName":"gone","Code":"Forbidden.ResourceNotFound","HttpStatus":404,"Message":"Resource not found.","RequestId":"item-err"}`

	t.Run("values and errors", func(t *testing.T) {
		c := rawServer(t, 200, []byte(`{"RequestId":"batch","SecretValues":[`+value("a", "")+`,`+value("b", "item-b")+`],"Errors":[`+gone+`]}`))
		out, err := c.BatchGetSecretValue(ctx, in)
		require.NoError(t, err)
		assert.Equal(t, "batch", out.RequestID)
		require.Len(t, out.SecretValues, 2)
		a, b := out.SecretValues[0], out.SecretValues[1]
		assert.Equal(t, "a", a.SecretName)
		assert.Equal(t, "v-a", a.SecretData)
		assert.Equal(t, "v1", a.VersionID)
		assert.Equal(t, []string{"ACSCurrent"}, a.VersionStages)
		assert.Equal(t, time.Date(2026, 8, 5, 10, 0, 0, 0, time.UTC), a.CreateTime.UTC())
		assert.Equal(t, "batch", a.RequestID, "no RequestId of its own: the batch's")
		assert.Equal(t, "item-b", b.RequestID, "its own RequestId")
		require.Len(t, out.Errors, 1)
		e := out.Errors[0]
		assert.Equal(t, "gone", e.SecretName)
		require.ErrorIs(t, e, kms.ErrSecretNotFound)
		var apiErr *kms.APIError
		require.ErrorAs(t, e, &apiErr)
		assert.Equal(t, 404, apiErr.StatusCode)
		assert.Equal(t, "Forbidden.ResourceNotFound", apiErr.Code)
		assert.Equal(t, "Resource not found.", apiErr.Message)
		assert.Equal(t, "BatchGetSecretValue", apiErr.Operation)
		assert.Equal(t, "batch", apiErr.RequestID, "no RequestId of its own: the batch's")
	})
	t.Run("values only", func(t *testing.T) {
		c := rawServer(t, 200, []byte(`{"RequestId":"batch","SecretValues":[`+value("a", "")+`]}`))
		out, err := c.BatchGetSecretValue(ctx, in)
		require.NoError(t, err)
		require.Len(t, out.SecretValues, 1)
		assert.Equal(t, "v-a", out.SecretValues[0].SecretData)
		assert.Empty(t, out.Errors)
	})
	t.Run("errors only", func(t *testing.T) {
		c := rawServer(t, 200, []byte(`{"RequestId":"batch","Errors":[`+goneOwnID+`]}`))
		out, err := c.BatchGetSecretValue(ctx, in)
		require.NoError(t, err)
		assert.Empty(t, out.SecretValues)
		require.Len(t, out.Errors, 1)
		var apiErr *kms.APIError
		require.ErrorAs(t, out.Errors[0], &apiErr)
		assert.Equal(t, "item-err", apiErr.RequestID, "its own RequestId")
	})
	for name, body := range map[string]string{
		"neither":                  `{"RequestId":"batch"}`,
		"an error document at 200": `{"Code":"Forbidden.ResourceNotFound","Message":"x","RequestId":"batch"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := rawServer(t, 200, []byte(body))
			out, err := c.BatchGetSecretValue(ctx, in)
			assert.Nil(t, out)
			var apiErr *kms.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 200, apiErr.StatusCode)
			assert.Empty(t, apiErr.Code)
			assert.Contains(t, apiErr.Message, "not a BatchGetSecretValue document: neither SecretValues nor Errors")
		})
	}
}
