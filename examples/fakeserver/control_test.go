package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

var ctx = context.Background()

var seedCreds = signer.StaticCredentials(seedKeyID, seedKeySecret, "")

func kmsClient(t *testing.T, url string, optFns ...func(*kms.Options)) *kms.Client {
	t.Helper()
	c, err := kms.New(kms.Options{Endpoint: url, Credentials: seedCreds, RetryMaxBackoff: 10 * time.Millisecond}, optFns...)
	require.NoError(t, err)
	return c
}

func saeClient(t *testing.T, url string, optFns ...func(*sae.Options)) *sae.Client {
	t.Helper()
	c, err := sae.New(sae.Options{Endpoint: url, Credentials: seedCreds, RetryMaxBackoff: 10 * time.Millisecond}, optFns...)
	require.NoError(t, err)
	return c
}

func value(t *testing.T, c *kms.Client, name, stage string) (*kms.GetSecretValueOutput, error) {
	t.Helper()
	return c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: name, VersionStage: stage})
}

func errorText(t *testing.T, body any) string {
	t.Helper()
	m, ok := body.(map[string]any)
	require.True(t, ok, "a JSON object: %v", body)
	s, _ := m["error"].(string)
	return s
}

// PUT, POST .../versions and DELETE of a KMS secret, each seen by a
// client afterwards; a rotation is seen by kms.Cache as a change.
func TestControlKMSSecrets(t *testing.T) {
	p := start(t)
	c := kmsClient(t, p.URL)
	hc := http.DefaultClient

	status, body := control(t, hc, "PUT", p.URL+"/_fake/kms/secrets/team%2Fnew",
		`{"data":"fresh","createTime":"2024-02-21T23:39:26+08:00","rotationInterval":"168h","automaticRotation":"Enabled"}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, map[string]any{"name": "team/new"}, body, "the name from the path, unescaped")
	out, err := value(t, c, "team/new", "")
	require.NoError(t, err)
	assert.Equal(t, "fresh", out.SecretData)
	assert.Equal(t, time.Date(2024, 2, 21, 15, 39, 26, 0, time.UTC), out.CreateTime)
	assert.Equal(t, 7*24*time.Hour, out.RotationInterval)
	assert.Equal(t, "Enabled", out.AutomaticRotation)

	status, _ = control(t, hc, "PUT", p.URL+"/_fake/kms/secrets/team%2Fnew", `{"name":"team/new","data":"replaced"}`)
	require.Equal(t, http.StatusOK, status)
	out, err = value(t, c, "team/new", "")
	require.NoError(t, err)
	assert.Equal(t, "replaced", out.SecretData, "replaced whole")
	assert.True(t, out.CreateTime.IsZero())

	for name, tc := range map[string]struct{ path, body, says string }{
		"name not the path's": {"team%2Fnew", `{"name":"other","data":"x"}`, `name "other" is not the path's "team/new"`},
		"unknown field":       {"x", `{"data":"x","tag":"a"}`, `unknown field "tag" (known: name,`},
		"no data":             {"x", `{}`, "data or versions is required"},
		"bad time":            {"x", `{"data":"x","createTime":"now"}`, `createTime "now"`},
		"not JSON":            {"x", `{`, "not valid JSON"},
	} {
		t.Run(name, func(t *testing.T) {
			status, body := control(t, hc, "PUT", p.URL+"/_fake/kms/secrets/"+tc.path, tc.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Contains(t, errorText(t, body), tc.says)
		})
	}

	changes := make(chan [2]string, 4)
	cache := kms.NewCache(c, kms.CacheOptions{TTL: time.Hour, OnChange: func(name, stage string, prev, cur *kms.GetSecretValueOutput) {
		changes <- [2]string{prev.VersionID, cur.VersionID}
	}})
	defer cache.Close()
	_, err = cache.Get(ctx, "prod/db-password")
	require.NoError(t, err)
	status, body = control(t, hc, "POST", p.URL+"/_fake/kms/secrets/prod%2Fdb-password/versions", map[string]string{"versionId": "v3", "data": "r0tated"})
	require.Equal(t, http.StatusCreated, status, body)
	assert.Equal(t, map[string]any{"name": "prod/db-password", "versionId": "v3"}, body)
	_, err = cache.Refresh(ctx, "prod/db-password")
	require.NoError(t, err)
	select {
	case change := <-changes:
		assert.Equal(t, [2]string{"v2", "v3"}, change, "OnChange: from the seed's current version to the new one")
	case <-time.After(10 * time.Second): // a guard against a hang, not a measurement
		t.Fatal("no OnChange after the rotation")
	}
	out, err = value(t, c, "prod/db-password", "")
	require.NoError(t, err)
	assert.Equal(t, "r0tated", out.SecretData)
	prev, err := value(t, c, "prod/db-password", "ACSPrevious")
	require.NoError(t, err)
	assert.Equal(t, "n3w-Pa55w0rd!", prev.SecretData, "the old current version is ACSPrevious")

	status, body = control(t, hc, "POST", p.URL+"/_fake/kms/secrets/prod%2Fdb-password/versions", map[string]string{"data": "again"})
	require.Equal(t, http.StatusCreated, status)
	assert.NotEmpty(t, body.(map[string]any)["versionId"], "an id is assigned")
	status, body = control(t, hc, "POST", p.URL+"/_fake/kms/secrets/prod%2Fdb-password/versions", map[string]string{"versionId": "v3", "data": "x"})
	assert.Equal(t, http.StatusConflict, status)
	assert.Contains(t, errorText(t, body), `version id "v3" exists already`)
	status, body = control(t, hc, "POST", p.URL+"/_fake/kms/secrets/prod%2Fdb-password/versions", `{"versionId":"v9"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, errorText(t, body), "data is required")
	status, _ = control(t, hc, "POST", p.URL+"/_fake/kms/secrets/nobody/versions", `{"data":"x"}`)
	assert.Equal(t, http.StatusNotFound, status)

	status, body = control(t, hc, "DELETE", p.URL+"/_fake/kms/secrets/team%2Fnew", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"name": "team/new"}, body)
	_, err = value(t, c, "team/new", "")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	status, _ = control(t, hc, "DELETE", p.URL+"/_fake/kms/secrets/team%2Fnew", nil)
	assert.Equal(t, http.StatusNotFound, status)
}

// PUT and DELETE of an SAE secret, seen by a client afterwards.
func TestControlSAESecrets(t *testing.T) {
	p := start(t)
	c := saeClient(t, p.URL)
	hc := http.DefaultClient
	byName := func(name string) (*sae.DescribeSecretOutput, error) {
		return c.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:test", SecretName: name})
	}

	status, body := control(t, hc, "PUT", p.URL+"/_fake/sae/secrets",
		`{"namespaceId":"cn-beijing:test","name":"api-key","data":{"key":"djE="},"createTime":"2024-02-21T15:39:26Z"}`)
	require.Equal(t, http.StatusOK, status, body)
	id := body.(map[string]any)["secretId"]
	require.NotZero(t, id)
	out, err := byName("api-key")
	require.NoError(t, err)
	assert.Equal(t, "djE=", out.Secret.SecretData["key"])
	assert.Equal(t, time.Date(2024, 2, 21, 15, 39, 26, 0, time.UTC), out.Secret.CreateTime.UTC())

	status, body = control(t, hc, "PUT", p.URL+"/_fake/sae/secrets", `{"namespaceId":"cn-beijing:test","name":"api-key","data":{"key":"djI="}}`)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, id, body.(map[string]any)["secretId"], "the same name replaces the secret, keeping its id")
	out, err = byName("api-key")
	require.NoError(t, err)
	assert.Equal(t, "djI=", out.Secret.SecretData["key"])

	status, body = control(t, hc, "PUT", p.URL+"/_fake/sae/secrets", `{"namespaceId":"cn-beijing:test","secretId":16,"name":"api-key"}`)
	assert.Equal(t, http.StatusConflict, status, "a name belongs to one id")
	assert.Contains(t, errorText(t, body), `already has a secret named "api-key"`)
	status, body = control(t, hc, "PUT", p.URL+"/_fake/sae/secrets", `{"name":"x"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, errorText(t, body), "namespaceId is required")
	status, body = control(t, hc, "PUT", p.URL+"/_fake/sae/secrets", `{"namespaceId":"n","name":"x","secret_id":1}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, errorText(t, body), `unknown field "secret_id"`)

	status, _ = control(t, hc, "DELETE", p.URL+"/_fake/sae/namespaces/cn-beijing%3Aprod/secrets/16", nil)
	assert.Equal(t, http.StatusNotFound, status, "secret 16 lives in cn-beijing:test")
	status, body = control(t, hc, "DELETE", p.URL+"/_fake/sae/namespaces/cn-beijing:test/secrets/16", nil)
	require.Equal(t, http.StatusOK, status, body)
	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: 16})
	require.ErrorIs(t, err, sae.ErrSecretNotFound)
	status, body = control(t, hc, "DELETE", p.URL+"/_fake/sae/namespaces/cn-beijing:test/secrets/x", nil)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, errorText(t, body), `secretId "x"`)
}

// POST /_fake/faults: the next requests fail so, whichever service they
// are for, and are seen by the clients as their error class.
func TestControlFaults(t *testing.T) {
	p := start(t)
	kc := kmsClient(t, p.URL, func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	sc := saeClient(t, p.URL, func(o *sae.Options) { o.RetryMaxAttempts = 1 })
	hc := http.DefaultClient

	status, body := control(t, hc, "POST", p.URL+"/_fake/faults", map[string]any{"count": 2, "status": 503, "code": "ServiceUnavailable", "message": "down"})
	require.Equal(t, http.StatusOK, status, body)
	_, err := value(t, kc, "api-token", "")
	require.ErrorIs(t, err, kms.ErrServiceUnavailable)
	_, err = sc.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:test"})
	require.ErrorIs(t, err, sae.ErrServiceUnavailable)
	var apiErr *sae.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "ServiceUnavailable", apiErr.Code)
	_, err = value(t, kc, "api-token", "")
	require.NoError(t, err, "two faults, two requests")

	status, _ = control(t, hc, "POST", p.URL+"/_fake/faults", map[string]any{"status": 403, "code": "Forbidden.NoPermission"})
	require.Equal(t, http.StatusOK, status)
	_, err = value(t, kc, "api-token", "")
	require.ErrorIs(t, err, kms.ErrAccessDenied, "count defaults to 1")

	status, _ = control(t, hc, "POST", p.URL+"/_fake/faults", map[string]any{"delayMs": 60000})
	require.Equal(t, http.StatusOK, status)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	_, err = kc.GetSecretValue(short, &kms.GetSecretValueInput{SecretName: "api-token"})
	require.ErrorIs(t, err, context.DeadlineExceeded, "held by the delay until the caller gives up")
	_, err = value(t, kc, "api-token", "")
	require.NoError(t, err)

	for name, tc := range map[string]struct{ body, says string }{
		"count":         {`{"count":-1,"status":500}`, "count -1 is not 1 to 10000"},
		"count too big": {`{"count":10001,"status":500}`, "count 10001"},
		"status":        {`{"status":700}`, "status 700"},
		"delay":         {`{"delayMs":-5}`, "delayMs -5"},
		"nothing":       {`{"count":3}`, "give a status, a code or a delayMs"},
		"unknown":       {`{"status":500,"retries":1}`, `unknown field "retries" (known: count, status, code, message, delayMs)`},
		"type":          {`{"status":"500"}`, "status: want int"},
	} {
		t.Run(name, func(t *testing.T) {
			status, body := control(t, hc, "POST", p.URL+"/_fake/faults", tc.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Contains(t, errorText(t, body), tc.says)
		})
	}
	_, err = value(t, kc, "api-token", "")
	require.NoError(t, err, "a refused body queues nothing")
}

// headerDoer remembers the headers of the last answer.
type headerDoer struct{ last http.Header }

func (d *headerDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(r)
	if err == nil {
		d.last = resp.Header
	}
	return resp, err
}

// PUT /_fake/ratelimit throttles with 429 Rejected.Throttling and
// x-acs-retry-after; DELETE lifts it.
func TestControlRateLimit(t *testing.T) {
	p := start(t)
	doer := &headerDoer{}
	kc := kmsClient(t, p.URL, func(o *kms.Options) { o.RetryMaxAttempts = 1; o.HTTPClient = doer })
	sc := saeClient(t, p.URL, func(o *sae.Options) { o.RetryMaxAttempts = 1 })
	hc := http.DefaultClient

	status, body := control(t, hc, "PUT", p.URL+"/_fake/ratelimit", map[string]any{"rate": 0.001, "burst": 1, "retryAfterMs": 1500})
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, map[string]any{"rate": 0.001, "burst": float64(1), "retryAfterMs": float64(1500)}, body)
	_, err := value(t, kc, "api-token", "")
	require.NoError(t, err, "the burst")
	_, err = value(t, kc, "api-token", "")
	require.ErrorIs(t, err, kms.ErrThrottled)
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
	assert.Equal(t, "Rejected.Throttling", apiErr.Code)
	assert.Equal(t, "1500", doer.last.Get("x-acs-retry-after"))
	assert.Equal(t, 1500*time.Millisecond, apiErr.RetryAfter)
	_, err = sc.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:test"})
	require.NoError(t, err, "SAE has a bucket of its own")
	_, err = sc.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:test"})
	require.ErrorIs(t, err, sae.ErrThrottled)

	status, _ = control(t, hc, "DELETE", p.URL+"/_fake/ratelimit", nil)
	require.Equal(t, http.StatusOK, status)
	_, err = value(t, kc, "api-token", "")
	require.NoError(t, err)
	assert.Empty(t, doer.last.Get("x-acs-retry-after"))

	for name, tc := range map[string]struct{ body, says string }{
		"no rate":    {`{"burst":1}`, "rate 0 is not a positive number"},
		"negative":   {`{"rate":1,"burst":-1}`, "burst -1"},
		"retry":      {`{"rate":1,"retryAfterMs":-1}`, "retryAfterMs -1"},
		"unknown":    {`{"rate":1,"qps":2}`, `unknown field "qps" (known: rate, burst, retryAfterMs)`},
		"empty":      {``, "body: empty: a JSON value is required"},
		"two bodies": {`{"rate":1} {}`, "more than one JSON value"},
	} {
		t.Run(name, func(t *testing.T) {
			status, body := control(t, hc, "PUT", p.URL+"/_fake/ratelimit", tc.body)
			assert.Equal(t, http.StatusBadRequest, status)
			assert.Contains(t, errorText(t, body), tc.says)
		})
	}
}

// GET /_fake/requests lists every API request, faulted and throttled ones
// too, with no value, key or signature in it; POST /_fake/reset puts the
// seed back and empties it.
func TestControlRequestsAndReset(t *testing.T) {
	p := start(t)
	kc := kmsClient(t, p.URL, func(o *kms.Options) { o.RetryMaxAttempts = 1; o.SignatureVersion = signer.V3 })
	sc := saeClient(t, p.URL, func(o *sae.Options) { o.RetryMaxAttempts = 1 })
	hc := http.DefaultClient

	_, err := value(t, kc, "prod/db-password", "")
	require.NoError(t, err)
	_, err = value(t, kc, "missing", "")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	_, err = sc.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: 17})
	require.NoError(t, err)
	control(t, hc, "POST", p.URL+"/_fake/faults", `{"status":500,"code":"InternalError"}`)
	_, err = sc.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:test"})
	require.Error(t, err)

	req, err := http.NewRequest("GET", p.URL+"/_fake/requests", nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	raw := readAll(t, resp)
	for _, secret := range []string{"n3w-Pa55w0rd!", "czNjcjN0", seedKeySecret, "Signature", "acs "} {
		assert.NotContains(t, raw, secret)
	}
	status, body := control(t, hc, "GET", p.URL+"/_fake/requests", nil)
	require.Equal(t, http.StatusOK, status)
	log := body.([]any)
	require.Len(t, log, 4)
	var got [][4]any
	for _, e := range log {
		m := e.(map[string]any)
		at, err := time.Parse(time.RFC3339Nano, m["time"].(string))
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), at, time.Hour, "stamped on the server's clock")
		assert.Len(t, m, 5, "time, action, style, status, code")
		got = append(got, [4]any{m["action"], m["style"], m["status"], m["code"]})
	}
	assert.Equal(t, [][4]any{
		{"GetSecretValue", "RPC", float64(200), ""},
		{"GetSecretValue", "RPC", float64(404), "Forbidden.ResourceNotFound"},
		{"DescribeSecret", "ROA", float64(200), ""},
		{"ListSecrets", "ROA", float64(500), "InternalError"},
	}, got)

	// Change everything, then reset.
	control(t, hc, "PUT", p.URL+"/_fake/kms/secrets/extra", `{"data":"x"}`)
	control(t, hc, "DELETE", p.URL+"/_fake/kms/secrets/api-token", nil)
	control(t, hc, "POST", p.URL+"/_fake/kms/secrets/prod%2Fdb-password/versions", `{"data":"r0tated"}`)
	control(t, hc, "DELETE", p.URL+"/_fake/sae/namespaces/cn-beijing:test/secrets/17", nil)
	control(t, hc, "POST", p.URL+"/_fake/faults", `{"count":5,"status":500,"code":"InternalError"}`)
	control(t, hc, "PUT", p.URL+"/_fake/ratelimit", `{"rate":0.001,"burst":1}`)
	status, body = control(t, hc, "POST", p.URL+"/_fake/reset", nil)
	require.Equal(t, http.StatusOK, status, body)

	status, body = control(t, hc, "GET", p.URL+"/_fake/requests", nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, []any{}, body, "the log is emptied")
	for range 3 { // neither a fault nor the rate limit is left
		out, err := value(t, kc, "prod/db-password", "")
		require.NoError(t, err)
		assert.Equal(t, "n3w-Pa55w0rd!", out.SecretData, "the seed's value")
	}
	_, err = value(t, kc, "api-token", "")
	require.NoError(t, err, "a deleted seed secret is back")
	_, err = value(t, kc, "extra", "")
	require.ErrorIs(t, err, kms.ErrSecretNotFound, "a put secret is gone")
	_, err = sc.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: 17})
	require.NoError(t, err)
}

// With -control-token, the control API asks for it; the services do not.
func TestControlToken(t *testing.T) {
	p := start(t, "-control-token", "s3cret-t0ken")
	hc := http.DefaultClient
	for name, header := range map[string][]string{
		"none":      nil,
		"wrong":     {"Authorization", "Bearer other"},
		"no bearer": {"Authorization", "s3cret-t0ken"},
	} {
		t.Run(name, func(t *testing.T) {
			status, body := control(t, hc, "POST", p.URL+"/_fake/faults", `{"status":500}`, header...)
			assert.Equal(t, http.StatusUnauthorized, status)
			assert.Contains(t, errorText(t, body), "-control-token")
			assert.NotContains(t, errorText(t, body), "s3cret-t0ken")
		})
	}
	_, err := value(t, kmsClient(t, p.URL), "api-token", "")
	require.NoError(t, err, "no fault was queued; the API needs no token")
	status, _ := control(t, hc, "GET", p.URL+"/_fake/requests", nil, "Authorization", "Bearer s3cret-t0ken")
	assert.Equal(t, http.StatusOK, status)
}

// An unknown control request, or a name that was not path-escaped, gets a
// JSON 404 that says how to write it.
func TestControlUnknownRequest(t *testing.T) {
	p := start(t)
	for _, tc := range []struct{ method, path string }{
		{"GET", "/_fake/kms/secrets/x"},
		{"PUT", "/_fake/kms/secrets/prod/db-password"},
		{"GET", "/_fake"},
		{"POST", "/_fake/nothing"},
	} {
		status, body := control(t, http.DefaultClient, tc.method, p.URL+tc.path, nil)
		assert.Equal(t, http.StatusNotFound, status, tc.path)
		assert.True(t, strings.Contains(errorText(t, body), "path-escaped"), tc.path)
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}
