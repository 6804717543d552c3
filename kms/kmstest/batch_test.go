package kmstest_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw/sdkreplay"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

// batchSecrets puts the secrets the batch tests read.
func batchSecrets(t *testing.T, srv *kmstest.Server) {
	t.Helper()
	require.NoError(t, srv.PutSecret(kmstest.Secret{
		Name: "db", Type: "Rds", ExtendedConfig: `{"k":"v"}`, AutomaticRotation: "Enabled", RotationInterval: 7 * 24 * time.Hour,
		LastRotationDate: t0, NextRotationDate: t1,
		Versions: []kmstest.Version{
			{ID: "v1", Stages: []string{"ACSPrevious"}, Data: "old", CreateTime: t0},
			{ID: "v2", Stages: []string{"ACSCurrent"}, Data: "new", CreateTime: t1},
		},
	}))
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "api", Versions: []kmstest.Version{{ID: "a1", Stages: []string{"ACSCurrent"}, Data: "tok"}}}))
}

// The kms client and the fake together, under both signatures: the values
// found come back as GetSecretValue returns them, and each secret, stage
// or version not found is an error of its own that matches
// kms.ErrSecretNotFound, while the call itself succeeds.
func TestBatchGetSecretValueWithTheClient(t *testing.T) {
	for _, v := range []signer.Version{signer.V1, signer.V3} {
		t.Run(v.String(), func(t *testing.T) {
			srv := kmstest.NewServer()
			defer srv.Close()
			batchSecrets(t, srv)
			c, err := srv.Client(func(o *kms.Options) { o.SignatureVersion = v; o.RetryMaxAttempts = 1 })
			require.NoError(t, err)
			out, err := c.BatchGetSecretValue(ctx, &kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{
				{SecretName: "db", FetchExtendedConfig: true},
				{SecretName: "db", VersionStage: "ACSPrevious"},
				{SecretName: "acs:kms:" + kmstest.Region + ":" + kmstest.AccountID + ":secret/api", VersionID: "a1"},
				{SecretName: "missing"},
				{SecretName: "db", VersionStage: "ACSPending"},
				{SecretName: "api", VersionID: "a9"},
			}})
			require.NoError(t, err)
			require.NotEmpty(t, out.RequestID)
			assert.Equal(t, []kms.GetSecretValueOutput{
				{SecretName: "db", SecretType: "Rds", SecretData: "new", SecretDataType: "text", VersionID: "v2",
					VersionStages: []string{"ACSCurrent"}, CreateTime: t1, LastRotationDate: t0, NextRotationDate: t1,
					RotationInterval: 7 * 24 * time.Hour, AutomaticRotation: "Enabled", ExtendedConfig: `{"k":"v"}`, RequestID: out.RequestID},
				{SecretName: "db", SecretType: "Rds", SecretData: "old", SecretDataType: "text", VersionID: "v1",
					VersionStages: []string{"ACSPrevious"}, CreateTime: t0, LastRotationDate: t0, NextRotationDate: t1,
					RotationInterval: 7 * 24 * time.Hour, AutomaticRotation: "Enabled", RequestID: out.RequestID},
				{SecretName: "api", SecretType: "Generic", SecretData: "tok", SecretDataType: "text", VersionID: "a1",
					VersionStages: []string{"ACSCurrent"}, AutomaticRotation: "Disabled", RequestID: out.RequestID},
			}, out.SecretValues)
			require.Len(t, out.Errors, 3)
			for i, name := range []string{"missing", "db", "api"} {
				assert.Equal(t, name, out.Errors[i].SecretName)
				require.ErrorIs(t, out.Errors[i], kms.ErrSecretNotFound, name)
				var apiErr *kms.APIError
				require.ErrorAs(t, out.Errors[i], &apiErr)
				assert.Equal(t, 404, apiErr.StatusCode)
				assert.Equal(t, "Forbidden.ResourceNotFound", apiErr.Code)
			}
			assert.Equal(t, 1, srv.Requests(), "one request for the whole batch")
		})
	}
}

// signedRPC sends params as a hand-signed RPC v1 request, in the query
// of a GET or a POST.
func signedRPC(t *testing.T, base, method string, params url.Values) (int, map[string]any) {
	t.Helper()
	p := url.Values{
		"Version": {"2016-01-20"}, "Format": {"JSON"}, "AccessKeyId": {kmstest.DefaultAccessKeyID},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SignatureNonce": {sdkreplay.Nonce()},
		"Timestamp": {time.Now().UTC().Format(signer.RPCTimestampLayout)},
	}
	for k, v := range params {
		p[k] = v
	}
	p.Set("Signature", signer.RPCSignature(signer.RPCStringToSign(method, signer.CanonicalQuery(p)), kmstest.DefaultAccessKeySecret))
	req, err := http.NewRequest(method, base+"/?"+signer.CanonicalQuery(p), nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.Unmarshal(b, &body), string(b))
	return resp.StatusCode, body
}

// The answer has the documented shape, whether SecretsList comes by GET or
// POST, with its keys in any order and spaced any way.
func TestBatchGetSecretValueDocumentedShape(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	batchSecrets(t, srv)
	list := `[ { "VersionStage" : "ACSCurrent", "SecretName" : "api" },
	           {"VersionId":"v9","SecretName":"db","FetchExtendedConfig":"false"} ]`
	for _, method := range []string{"GET", "POST"} {
		t.Run(method, func(t *testing.T) {
			status, body := signedRPC(t, srv.URL, method, url.Values{"Action": {"BatchGetSecretValue"}, "SecretsList": {list}})
			require.Equal(t, 200, status, body)
			id := body["RequestId"]
			require.NotEmpty(t, id)
			assert.Equal(t, map[string]any{
				"RequestId": id,
				"SecretValues": []any{map[string]any{
					"SecretName": "api", "SecretType": "Generic", "SecretData": "tok", "SecretDataType": "text",
					"VersionId": "a1", "VersionStages": map[string]any{"VersionStage": []any{"ACSCurrent"}},
					"AutomaticRotation": "Disabled", "RequestId": id,
				}},
				"Errors": []any{map[string]any{
					"SecretName": "db", "Code": "Forbidden.ResourceNotFound", "HttpStatus": float64(404), "Message": "Resource not found.",
				}},
			}, body)
		})
	}
}

// FetchExtendedConfig is the string "true" or "false".
func TestBatchGetSecretValueFetchExtendedConfig(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	batchSecrets(t, srv)
	for list, want := range map[string]any{
		`[{"SecretName":"db","FetchExtendedConfig":"true"}]`:  `{"k":"v"}`,
		`[{"SecretName":"db","FetchExtendedConfig":"false"}]`: nil,
		`[{"SecretName":"db"}]`:                               nil,
	} {
		status, body := signedRPC(t, srv.URL, "POST", url.Values{"Action": {"BatchGetSecretValue"}, "SecretsList": {list}})
		require.Equal(t, 200, status, body)
		values := body["SecretValues"].([]any)
		require.Len(t, values, 1)
		assert.Equal(t, want, values[0].(map[string]any)["ExtendedConfig"], list)
	}
}

// A SecretsList the gateway cannot take is an error of the whole request.
func TestBatchGetSecretValueRejectsABadList(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	batchSecrets(t, srv)
	items := make([]string, 21)
	for i := range items {
		items[i] = `{"SecretName":"db"}`
	}
	for name, tc := range map[string]struct {
		list, code, says string
	}{
		"absent":           {"", "MissingParameter", "SecretsList"},
		"not JSON":         {"[{", "InvalidParameter", "SecretsList"},
		"not an array":     {`{"SecretName":"db"}`, "InvalidParameter", "SecretsList"},
		"two values":       {`[] []`, "InvalidParameter", "SecretsList"},
		"empty":            {`[]`, "InvalidParameter", "1 to 20"},
		"21 secrets":       {"[" + strings.Join(items, ",") + "]", "InvalidParameter", "1 to 20"},
		"no name":          {`[{"SecretName":"db"},{"VersionStage":"ACSCurrent"}]`, "InvalidParameter", "SecretsList[1].SecretName"},
		"empty name":       {`[{"SecretName":""}]`, "InvalidParameter", "SecretsList[0].SecretName"},
		"name not string":  {`[{"SecretName":7}]`, "InvalidParameter", "SecretsList"},
		"flag as a bool":   {`[{"SecretName":"db","FetchExtendedConfig":true}]`, "InvalidParameter", "SecretsList"},
		"flag not boolean": {`[{"SecretName":"db","FetchExtendedConfig":"yes"}]`, "InvalidParameter", "SecretsList[0].FetchExtendedConfig"},
	} {
		t.Run(name, func(t *testing.T) {
			p := url.Values{"Action": {"BatchGetSecretValue"}}
			if tc.list != "" {
				p.Set("SecretsList", tc.list)
			}
			status, body := signedRPC(t, srv.URL, "POST", p)
			assert.Equal(t, 400, status)
			assert.Equal(t, tc.code, body["Code"])
			assert.Contains(t, body["Message"], tc.says)
		})
	}
	status, body := signedRPC(t, srv.URL, "POST", url.Values{"Action": {"BatchGetSecretValue"}, "SecretsList": {"[" + strings.Join(items[:20], ",") + "]"}})
	require.Equal(t, 200, status, body)
	assert.Len(t, body["SecretValues"], 20, "20 is allowed")
}

// Faults and the rate limit apply to the batch as to every action.
func TestBatchGetSecretValueFaultsAndRateLimit(t *testing.T) {
	srv := kmstest.NewServer(kmstest.WithRateLimit(kmstest.RateLimit{Rate: 0.001, Burst: 2, RetryAfter: time.Second}))
	defer srv.Close()
	batchSecrets(t, srv)
	c, err := srv.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	in := &kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{{SecretName: "db"}}}

	srv.FailNext(kmstest.Fault{Status: 403, Code: "Forbidden.NoPermission", Message: "denied"})
	_, err = c.BatchGetSecretValue(ctx, in)
	require.ErrorIs(t, err, kms.ErrAccessDenied)

	out, err := c.BatchGetSecretValue(ctx, in)
	require.NoError(t, err)
	require.Len(t, out.SecretValues, 1)

	_, err = c.BatchGetSecretValue(ctx, in)
	require.ErrorIs(t, err, kms.ErrThrottled)
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 429, apiErr.StatusCode)
	assert.Equal(t, "Rejected.Throttling", apiErr.Code)
	assert.Equal(t, 1, srv.Throttled())
}

// With an instance gateway, which serves GetSecretValue only, the client
// reads the batch there with one GetSecretValue per secret; the shared
// gateway sees nothing.
func TestBatchGetSecretValueFromAnInstance(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	batchSecrets(t, srv)
	inst := srv.StartInstance()
	defer inst.Close()
	c, err := inst.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	out, err := c.BatchGetSecretValue(ctx, &kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{
		{SecretName: "db"}, {SecretName: "api"}, {SecretName: "missing"},
	}})
	require.NoError(t, err)
	got := map[string]string{}
	for _, v := range out.SecretValues {
		got[v.SecretName] = v.SecretData
	}
	assert.Equal(t, map[string]string{"db": "new", "api": "tok"}, got)
	require.Len(t, out.Errors, 1)
	assert.Equal(t, "missing", out.Errors[0].SecretName)
	require.ErrorIs(t, out.Errors[0], kms.ErrSecretNotFound)
	assert.Equal(t, 3, inst.Requests(), "one GetSecretValue per secret")
	assert.Equal(t, 0, srv.Requests())

	// Asked for the batch itself, the instance refuses it.
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(inst.CACertPEM()))
	direct, err := kms.New(kms.Options{
		Endpoint: inst.URL, Credentials: srv.Credentials(), RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}},
	})
	require.NoError(t, err)
	_, err = direct.BatchGetSecretValue(ctx, &kms.BatchGetSecretValueInput{Secrets: []kms.BatchSecret{{SecretName: "db"}}})
	var apiErr *kms.APIError
	require.True(t, errors.As(err, &apiErr), "%v", err)
	assert.Equal(t, "UnsupportedOperation", apiErr.Code)
}
