package sae_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
	"github.com/alisecret/alisecret-go/signer"
)

var ctx = context.Background()

const registryPassword = "REGISTRY-PASSWORD-77"

// rawServer answers every request with status and body; the returned
// server records the last request.
func rawServer(t *testing.T, status int, body []byte) (*sae.Client, *rawserver.Server) {
	t.Helper()
	srv := rawserver.New(t)
	srv.Set(status, body)
	return rawClient(t, srv), srv
}

func rawClientFor(t *testing.T, status int, body []byte) *sae.Client {
	c, _ := rawServer(t, status, body)
	return c
}

func rawClient(tb testing.TB, srv *rawserver.Server) *sae.Client {
	tb.Helper()
	c, err := sae.New(sae.Options{Endpoint: srv.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
	require.NoError(tb, err)
	return c
}

func newFake(t *testing.T, opts ...saetest.Option) (*saetest.Server, *sae.Client) {
	t.Helper()
	srv := saetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client()
	require.NoError(t, err)
	return srv, c
}

func TestDescribeSecretDocumentedExample(t *testing.T) {
	c, srv := rawServer(t, 200, rawserver.Fixture(t, "describe_secret.json"))
	out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: 16})
	require.NoError(t, err)
	assert.Equal(t, "91F93257-7A4A-4BD3-9A7E-2F6EAE6D****", out.RequestID)
	assert.Equal(t, "0a98a02315955564772843261e****", out.TraceID)
	s := out.Secret
	assert.Equal(t, "cn-beijing:test", s.NamespaceID)
	assert.Equal(t, int64(16), s.SecretID)
	assert.Equal(t, "registry-auth", s.SecretName)
	assert.Equal(t, "kubernetes.io/dockerconfigjson", s.SecretType)
	assert.Equal(t, time.UnixMilli(1593746835111).UTC(), s.CreateTime)
	assert.Equal(t, time.UnixMilli(1593747274195).UTC(), s.UpdateTime)
	assert.Equal(t, []sae.RelateApp{{AppID: "f16b4000-9058-4c22-a49d-49a28f******", AppName: "test-app"}}, s.RelateApps)
	require.Contains(t, s.SecretData, ".dockerconfigjson")

	auths, err := s.DockerConfig()
	require.NoError(t, err)
	a := auths["registry.cn-beijing.aliyuncs.com"]
	assert.Equal(t, "deploy", a.Username)
	assert.Equal(t, registryPassword, a.Password)

	// The wire request: GET on the resource path, ":" encoded in the URL.
	req := srv.Last()
	require.NotNil(t, req)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, sae.DescribeSecretPath, req.URL.Path)
	assert.Equal(t, "NamespaceId=cn-beijing%3Atest&SecretId=16", req.URL.RawQuery)
	assert.Equal(t, "DescribeSecret", req.Header.Get("x-acs-action"))
	assert.Equal(t, "2019-05-06", req.Header.Get("x-acs-version"))
}

func TestColonNamespaceSignedRawEncodedOnWire(t *testing.T) {
	srv, c := newFake(t)
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretName: "db", SecretData: map[string]string{"k": "dg=="}})
	require.NoError(t, err)
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: id}, func(o *sae.Options) { o.SignatureVersion = v })
		require.NoError(t, err, "the fake recomputes the %s signature: raw ':' in the ROA resource, encoded in ACS3", v)
		assert.Equal(t, "db", out.Secret.SecretName)
	}
}

func TestSTS(t *testing.T) {
	srv, _ := newFake(t, saetest.WithSTS("STS.sae", "sts-secret", "sts-token/+="))
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-hangzhou", SecretName: "x"})
	require.NoError(t, err)
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		c, err := srv.Client(func(o *sae.Options) { o.SignatureVersion = v })
		require.NoError(t, err)
		_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-hangzhou", SecretID: id})
		require.NoError(t, err)
		bad, err := srv.Client(func(o *sae.Options) {
			o.SignatureVersion = v
			o.Credentials = signer.StaticCredentials("STS.sae", "sts-secret", "stale-token")
		})
		require.NoError(t, err)
		_, err = bad.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-hangzhou", SecretID: id})
		require.ErrorIs(t, err, signer.ErrInvalidCredentials)
		assert.NotContains(t, err.Error(), "stale-token")
	}
}

func TestNotFoundCodes(t *testing.T) {
	srv, c := newFake(t)
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:a", SecretName: "x"})
	require.NoError(t, err)

	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:a", SecretID: id + 100})
	require.ErrorIs(t, err, sae.ErrSecretNotFound)
	var apiErr *sae.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode, "SAE answers a missing secret with HTTP 400")
	assert.Equal(t, "InvalidSecretId.NotFound", apiErr.Code)
	assert.NotEmpty(t, apiErr.TraceID)

	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:nope", SecretID: id})
	require.ErrorIs(t, err, sae.ErrSecretNotFound)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, "InvalidNamespaceId.NotFound", apiErr.Code)

	unknown, err := srv.Client(func(o *sae.Options) { o.Credentials = signer.StaticCredentials("LTAIunknown", "x", "") })
	require.NoError(t, err)
	_, err = unknown.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:a", SecretID: id})
	require.ErrorIs(t, err, signer.ErrInvalidCredentials)
	require.NotErrorIs(t, err, sae.ErrSecretNotFound)
	assert.Equal(t, 3, srv.Requests(), "none of these is retried")
}

func TestSuccessFalseEnvelope(t *testing.T) {
	srv, c := newFake(t)
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:a", SecretName: "x"})
	require.NoError(t, err)
	in := &sae.DescribeSecretInput{NamespaceID: "cn-beijing:a", SecretID: id}

	// HTTP 200 with "Success": false is an error, and a transient one is retried.
	srv.FailNext(saetest.Fault{Status: 200, Code: "InternalError", Message: "try again"})
	out, err := c.DescribeSecret(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, "x", out.Secret.SecretName)
	assert.Equal(t, 2, srv.Requests())

	srv.FailNext(saetest.Fault{Status: 200, Code: "InvalidParameter.WithMessage", Message: "bad namespace"})
	_, err = c.DescribeSecret(ctx, in)
	require.ErrorIs(t, err, signer.ErrInvalidParameter)
	var apiErr *sae.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 200, apiErr.StatusCode)
	assert.Equal(t, "InvalidParameter.WithMessage", apiErr.Code)
	assert.Equal(t, "bad namespace", apiErr.Message)
	assert.Equal(t, "DescribeSecret", apiErr.Operation)
	assert.Equal(t, "sae DescribeSecret: InvalidParameter.WithMessage: bad namespace (HTTP 200, request id "+apiErr.RequestID+")", err.Error())
	assert.Equal(t, 3, srv.Requests())
}

func TestStrictSuccessBodies(t *testing.T) {
	cases := map[string]struct{ body, want string }{
		"empty object":         {`{}`, `no "Success": true`},
		"success without data": {`{"Success":true,"Code":"200"}`, "no Data"},
		"data without success": {`{"Data":{"SecretId":1}}`, `no "Success": true`},
		"html":                 {`<html></html>`, "malformed JSON"},
		"data values object":   {`{"Success":true,"Data":{"SecretData":{"k":{"SECRET-INSIDE":1}}}}`, "want text"},
		"all-null data": {`{"Success":true,"Data":{"NamespaceId":null,"SecretId":null,"SecretName":null,"SecretData":null,"CreateTime":null}}`,
			"Data is empty (every field null or absent)"},
		"secret id 0":     {`{"Success":true,"Data":{"NamespaceId":"n","SecretId":0,"SecretData":{"k":"SECRET-INSIDE"}}}`, "Data has no SecretId above 0"},
		"no namespace id": {`{"Success":true,"Data":{"SecretId":16,"SecretData":{"k":"SECRET-INSIDE"}}}`, "Data has no NamespaceId"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, err := rawClientFor(t, 200, []byte(tc.body)).DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 1})
			require.Error(t, err)
			assert.Nil(t, out)
			assert.Contains(t, err.Error(), "sae DescribeSecret: decoding the response: not a DescribeSecret document: "+tc.want)
			assert.NotContains(t, err.Error(), "SECRET-INSIDE")
			var apiErr *sae.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Empty(t, apiErr.Code)
			assert.Equal(t, 200, apiErr.StatusCode)
		})
	}
	// Numbers as strings are fine.
	out, err := rawClientFor(t, 200, []byte(`{"Success":"true","Data":{"NamespaceId":"n","SecretId":"16","CreateTime":"1593746835111"}}`)).
		DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
	require.NoError(t, err)
	assert.Equal(t, int64(16), out.Secret.SecretID)
	assert.Equal(t, time.UnixMilli(1593746835111).UTC(), out.Secret.CreateTime)
}

func TestValidationSendsNothing(t *testing.T) {
	srv, c := newFake(t)
	cases := map[string]*sae.DescribeSecretInput{
		"input is nil":                      nil,
		"NamespaceID is required":           {SecretID: 1},
		"SecretID must be positive":         {NamespaceID: "n"},
		"SecretID must be positive, got -3": {NamespaceID: "n", SecretID: -3},
	}
	for want, in := range cases {
		_, err := c.DescribeSecret(ctx, in)
		require.ErrorIs(t, err, signer.ErrInvalidInput)
		assert.Contains(t, err.Error(), want)
	}
	assert.Zero(t, srv.Requests())
}

func TestDecodedAndDockerConfig(t *testing.T) {
	s := sae.Secret{SecretName: "s", SecretID: 3, SecretData: map[string]string{"user": "YWRtaW4=", "pass": "aHVudGVyMg", "bad": "%%%HIDDEN-VALUE"}}
	_, err := s.Decoded()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `key "bad"`)
	assert.NotContains(t, err.Error(), "HIDDEN-VALUE")
	delete(s.SecretData, "bad")
	d, err := s.Decoded()
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"user": []byte("admin"), "pass": []byte("hunter2")}, d)

	plain := sae.Secret{SecretName: "r", SecretData: map[string]string{
		sae.DockerConfigJSONKey: `{"auths":{"reg.example.com":{"auth":"Ym90OnMzY3JldA=="}}}`}}
	auths, err := plain.DockerConfig()
	require.NoError(t, err)
	assert.Equal(t, sae.DockerAuth{Username: "bot", Password: "s3cret", Auth: "Ym90OnMzY3JldA=="}, auths["reg.example.com"])

	legacy := sae.Secret{SecretName: "l", SecretData: map[string]string{sae.DockerConfigKey: `{"reg":{"username":"u","password":"p"}}`}}
	auths, err = legacy.DockerConfig()
	require.NoError(t, err)
	assert.Equal(t, "p", auths["reg"].Password)

	for name, data := range map[string]map[string]string{
		"neither key":   {"other": "x"},
		"not base64":    {sae.DockerConfigJSONKey: "%%HIDDEN-VALUE"},
		"not JSON":      {sae.DockerConfigJSONKey: `{"auths": HIDDEN-VALUE`},
		"auth not pair": {sae.DockerConfigJSONKey: `{"auths":{"reg":{"auth":"SElEREVOLVZBTFVF"}}}`},
	} {
		_, err := sae.Secret{SecretName: "x", SecretData: data}.DockerConfig()
		require.Error(t, err, name)
		assert.NotContains(t, err.Error(), "HIDDEN-VALUE", name)
		assert.NotContains(t, err.Error(), "SElEREVOLVZBTFVF", name)
	}
}

// An empty or blank docker config value is an error naming the key, not a
// panic.
func TestDockerConfigEmptyValue(t *testing.T) {
	for _, v := range []string{"", "   ", "\n"} {
		for _, key := range []string{sae.DockerConfigJSONKey, sae.DockerConfigKey} {
			s := sae.Secret{SecretName: "x", SecretData: map[string]string{key: v}}
			var err error
			require.NotPanics(t, func() { _, err = s.DockerConfig() }, "%q under %s", v, key)
			require.Error(t, err, "%q under %s", v, key)
			assert.Contains(t, err.Error(), "key "+key)
		}
	}
}

func TestRedaction(t *testing.T) {
	const value = "VALUE-0f1e2d3c-must-not-print"
	out := sae.DescribeSecretOutput{RequestID: "r", Secret: sae.Secret{SecretName: "db", SecretID: 7, SecretData: map[string]string{"password": value}}}
	auth := sae.DockerAuth{Username: "bot", Password: value, Auth: value}
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Info("x", "out", out, "secret", out.Secret, "ptr", &out, "auth", auth)
	printed := []string{logs.String(), out.String(), out.Secret.String(), out.GoString(), auth.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		printed = append(printed, fmt.Sprintf(verb, out), fmt.Sprintf(verb, &out), fmt.Sprintf(verb, out.Secret), fmt.Sprintf(verb, &out.Secret), fmt.Sprintf(verb, auth), fmt.Sprintf(verb, map[string]sae.DockerAuth{"r": auth}))
	}
	for _, p := range printed {
		assert.NotContains(t, p, value)
		assert.NotContains(t, p, fmt.Sprintf("%x", value))
	}
	assert.Contains(t, fmt.Sprintf("%+v", out), "SecretData:map[password:[redacted]]", "keys may show")
	assert.Contains(t, fmt.Sprintf("%#v", out), "sae.DescribeSecretOutput{")
	assert.Contains(t, fmt.Sprintf("%#v", out.Secret), "sae.Secret{")
	assert.Contains(t, logs.String(), `"secret_keys":["password"]`)
	assert.Contains(t, fmt.Sprint(auth), "bot")
}

func TestNewAndEndpoints(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_REGION_ID", "")
	_, err := sae.New(sae.Options{})
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	c, err := sae.New(sae.Options{Region: "cn-beijing"})
	require.NoError(t, err)
	assert.Equal(t, "https://sae.cn-beijing.aliyuncs.com", c.Endpoint())
	c, err = sae.New(sae.Options{Region: "cn-beijing", Network: "vpc"})
	require.NoError(t, err)
	assert.Equal(t, "https://sae-vpc.cn-beijing.aliyuncs.com", c.Endpoint())
	assert.Equal(t, "vpc", c.Options().Network)
}
