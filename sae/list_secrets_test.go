package sae_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
	"github.com/alisecret/alisecret-go/signer"
)

func TestListSecretsDocumentedExample(t *testing.T) {
	c, srv := rawServer(t, 200, rawserver.Fixture(t, "list_secrets.json"))
	out, err := c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:test"})
	require.NoError(t, err)
	assert.Equal(t, "B4D805CA-926D-41B1-8E63-7AD0C1ED****", out.RequestID)
	assert.Equal(t, "0a98a02315955564772843261e****", out.TraceID)
	assert.Equal(t, []sae.SecretSummary{
		{
			NamespaceID: "cn-beijing:test", SecretID: 16, SecretName: "registry-auth", SecretType: "kubernetes.io/dockerconfigjson",
			CreateTime: time.UnixMilli(1593746835111).UTC(), UpdateTime: time.UnixMilli(1593747274195).UTC(),
			RelateApps: []sae.RelateApp{{AppID: "f16b4000-9058-4c22-a49d-49a28f******", AppName: "test-app"}},
		},
		{
			NamespaceID: "cn-beijing:test", SecretID: 17, SecretName: "db-credentials", SecretType: "Opaque",
			CreateTime: time.UnixMilli(1593746835222).UTC(), UpdateTime: time.UnixMilli(1593746835222).UTC(),
		},
	}, out.Secrets)

	req := srv.Last()
	require.NotNil(t, req)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, sae.ListSecretsPath, req.URL.Path)
	assert.Equal(t, "NamespaceId=cn-beijing%3Atest", req.URL.RawQuery)
	assert.Equal(t, "ListSecrets", req.Header.Get("x-acs-action"))
	assert.Equal(t, sae.APIVersion, req.Header.Get("x-acs-version"))
}

func TestListSecretsOnFake(t *testing.T) {
	srv, c := newFake(t)
	created := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	for _, s := range []saetest.Secret{
		{NamespaceID: "cn-beijing:a", SecretID: 7, SecretName: "db", SecretData: map[string]string{"p": "SECRET-VALUE"}, CreateTime: created, UpdateTime: created.Add(time.Hour),
			RelateApps: []sae.RelateApp{{AppID: "app-1", AppName: "web"}}},
		{NamespaceID: "cn-beijing:a", SecretID: 3, SecretName: "registry", SecretType: "kubernetes.io/dockerconfigjson"},
		{NamespaceID: "cn-beijing:b", SecretID: 9, SecretName: "db"},
	} {
		_, err := srv.PutSecret(s)
		require.NoError(t, err)
	}
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		out, err := c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:a"}, func(o *sae.Options) { o.SignatureVersion = v })
		require.NoError(t, err)
		assert.NotEmpty(t, out.RequestID)
		assert.NotEmpty(t, out.TraceID)
		assert.Equal(t, []sae.SecretSummary{
			{NamespaceID: "cn-beijing:a", SecretID: 3, SecretName: "registry", SecretType: "kubernetes.io/dockerconfigjson"},
			{NamespaceID: "cn-beijing:a", SecretID: 7, SecretName: "db", SecretType: "Opaque", CreateTime: created.Truncate(time.Millisecond),
				UpdateTime: created.Add(time.Hour).Truncate(time.Millisecond), RelateApps: []sae.RelateApp{{AppID: "app-1", AppName: "web"}}},
		}, out.Secrets, "%s: by id, only this namespace, times to the millisecond", v)
	}

	srv.AddNamespace("cn-beijing:empty")
	out, err := c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:empty"})
	require.NoError(t, err)
	assert.Empty(t, out.Secrets)

	_, err = c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:nope"})
	require.ErrorIs(t, err, sae.ErrSecretNotFound, "unknown namespace")
	var apiErr *sae.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "InvalidNamespaceId.NotFound", apiErr.Code)
}

func TestListSecretsFailures(t *testing.T) {
	cases := map[string]struct {
		status int
		body   string
		check  func(t *testing.T, err error)
	}{
		"Success false under 200": {200, `{"Success":false,"Code":"200","ErrorCode":"InvalidParameter.Obviously","Message":"bad"}`, func(t *testing.T, err error) {
			var apiErr *sae.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, "InvalidParameter.Obviously", apiErr.Code)
		}},
		"success without data": {200, `{"Success":true,"Code":"200"}`, func(t *testing.T, err error) {
			assert.Contains(t, err.Error(), "sae ListSecrets: decoding the response")
		}},
		"no Success": {200, `{"Data":{"Secrets":[]}}`, func(t *testing.T, err error) {
			assert.Contains(t, err.Error(), "sae ListSecrets: decoding the response")
		}},
		"secrets not a list": {200, `{"Success":true,"Data":{"Secrets":"SECRET-INSIDE"}}`, func(t *testing.T, err error) {
			assert.Contains(t, err.Error(), "sae ListSecrets: decoding the response")
			assert.NotContains(t, err.Error(), "SECRET-INSIDE")
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := rawClientFor(t, tc.status, []byte(tc.body)).ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
			require.Error(t, err)
			assert.Nil(t, out)
			tc.check(t, err)
		})
	}
	// Numbers as strings, and a wrapped list, are fine.
	out, err := rawClientFor(t, 200, []byte(`{"Success":"true","Data":{"Secrets":{"Secret":[{"SecretId":"16","CreateTime":"1593746835111"}]}}}`)).
		ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
	require.NoError(t, err)
	require.Len(t, out.Secrets, 1)
	assert.Equal(t, int64(16), out.Secrets[0].SecretID)
	assert.Equal(t, time.UnixMilli(1593746835111).UTC(), out.Secrets[0].CreateTime)
}

func TestDescribeSecretByName(t *testing.T) {
	srv, c := newFake(t)
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:prod", SecretName: "registry-auth", SecretData: map[string]string{"k": "dg=="}})
	require.NoError(t, err)
	_, err = srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:prod", SecretName: "other"})
	require.NoError(t, err)
	_, err = srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretName: "registry-auth", SecretData: map[string]string{"k": "d3Jvbmc="}})
	require.NoError(t, err)

	for _, v := range []signer.Version{signer.V1, signer.V3} {
		before := srv.Requests()
		out, err := c.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:prod", SecretName: "registry-auth"},
			func(o *sae.Options) { o.SignatureVersion = v })
		require.NoError(t, err)
		assert.Equal(t, id, out.Secret.SecretID)
		assert.Equal(t, "cn-beijing:prod", out.Secret.NamespaceID)
		assert.Equal(t, map[string]string{"k": "dg=="}, out.Secret.SecretData, "the data, from DescribeSecret")
		assert.Equal(t, 2, srv.Requests()-before, "ListSecrets then DescribeSecret")
	}

	_, err = c.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:prod", SecretName: "missing"})
	require.ErrorIs(t, err, sae.ErrSecretNotFound)
	assert.Contains(t, err.Error(), `no secret named "missing" in namespace "cn-beijing:prod"`)
	var apiErr *sae.APIError
	assert.False(t, errors.As(err, &apiErr), "the service did not say so: no APIError")

	_, err = c.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:nope", SecretName: "registry-auth"})
	require.ErrorIs(t, err, sae.ErrSecretNotFound, "unknown namespace")
}

func TestDescribeSecretByNameDuplicate(t *testing.T) {
	body := `{"Success":true,"Data":{"Secrets":[{"SecretId":1,"SecretName":"x"},{"SecretId":2,"SecretName":"x"}]}}`
	_, err := rawClientFor(t, 200, []byte(body)).DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "n", SecretName: "x"})
	require.Error(t, err)
	assert.NotErrorIs(t, err, sae.ErrSecretNotFound)
	assert.Contains(t, err.Error(), `2 secrets named "x" in namespace "n" (ids [1 2])`)

	body = `{"Success":true,"Data":{"Secrets":[{"SecretId":0,"SecretName":"x"}]}}`
	_, err = rawClientFor(t, 200, []byte(body)).DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "n", SecretName: "x"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the id 0, not a positive number")
}

func TestByNameValidationSendsNothing(t *testing.T) {
	srv, c := newFake(t)
	lists := map[string]*sae.ListSecretsInput{
		"ListSecrets: invalid input: input is nil":                             nil,
		"ListSecrets: invalid input: ListSecretsInput.NamespaceID is required": {},
	}
	for want, in := range lists {
		_, err := c.ListSecrets(ctx, in)
		require.ErrorIs(t, err, signer.ErrInvalidInput)
		assert.Contains(t, err.Error(), want)
	}
	byName := map[string]*sae.DescribeSecretByNameInput{
		"input is nil": nil,
		"DescribeSecretByNameInput.NamespaceID is required": {SecretName: "x"},
		"DescribeSecretByNameInput.SecretName is required":  {NamespaceID: "n"},
	}
	for want, in := range byName {
		_, err := c.DescribeSecretByName(ctx, in)
		require.ErrorIs(t, err, signer.ErrInvalidInput)
		assert.Contains(t, err.Error(), "sae DescribeSecretByName: ")
		assert.Contains(t, err.Error(), want)
	}
	assert.Zero(t, srv.Requests())
}
