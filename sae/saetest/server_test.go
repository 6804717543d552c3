package saetest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
	"github.com/alisecret/alisecret-go/signer"
)

var ctx = context.Background()

func TestPutSecret(t *testing.T) {
	srv := saetest.NewServer()
	defer srv.Close()
	_, err := srv.PutSecret(saetest.Secret{})
	require.ErrorContains(t, err, "NamespaceID is empty")
	_, err = srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretID: -1})
	require.ErrorContains(t, err, "negative")
	id1, err := srv.PutSecret(saetest.Secret{NamespaceID: "n"})
	require.NoError(t, err)
	id2, err := srv.PutSecret(saetest.Secret{NamespaceID: "n"})
	require.NoError(t, err)
	assert.NotEqual(t, id1, id2)
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretID: 42, SecretName: "fixed"})
	require.NoError(t, err)
	assert.Equal(t, int64(42), id)
	_, err = srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretName: "fixed"})
	require.ErrorContains(t, err, `namespace "n" already has a secret named "fixed" (id 42)`)
	_, err = srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretID: 42, SecretName: "fixed", SecretType: "Opaque"})
	require.NoError(t, err, "replacing the same id")
	_, err = srv.PutSecret(saetest.Secret{NamespaceID: "other", SecretName: "fixed"})
	require.NoError(t, err, "another namespace")

	c, err := srv.Client()
	require.NoError(t, err)
	data := map[string]string{"k": "v"}
	id, err = srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretData: data})
	require.NoError(t, err)
	data["k"] = "changed"
	out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: id})
	require.NoError(t, err)
	assert.Equal(t, "v", out.Secret.SecretData["k"], "the server keeps its own copy")
	assert.Equal(t, "Opaque", out.Secret.SecretType)
	assert.True(t, out.Secret.CreateTime.IsZero())

	srv.DeleteSecret(id)
	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: id})
	require.ErrorIs(t, err, sae.ErrSecretNotFound)
	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "other", SecretID: 42})
	require.ErrorIs(t, err, sae.ErrSecretNotFound, "unknown namespace")
	srv.AddNamespace("other")
	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "other", SecretID: 42})
	var apiErr *sae.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "InvalidSecretId.NotFound", apiErr.Code, "secret 42 lives in namespace n")
}

// signedROA builds a ROA v1 request to the server, letting the test spoil it.
func signedROA(t *testing.T, srv *saetest.Server, when time.Time, nonce string, spoil func(http.Header)) *http.Response {
	t.Helper()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	q := url.Values{"NamespaceId": {"n"}, "SecretId": {"1"}}
	h := http.Header{}
	r := &signer.Request{Method: "GET", Host: u.Host, Path: sae.DescribeSecretPath, Query: q, Action: "DescribeSecret", Version: sae.APIVersion}
	_, err = signer.SignROA(h, r, signer.Credentials{AccessKeyID: saetest.DefaultAccessKeyID, AccessKeySecret: saetest.DefaultAccessKeySecret}, when, nonce)
	require.NoError(t, err)
	if spoil != nil {
		spoil(h)
	}
	req, err := http.NewRequest("GET", srv.URL+sae.DescribeSecretPath+"?"+signer.CanonicalQuery(q), nil)
	require.NoError(t, err)
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func code(t *testing.T, resp *http.Response) string {
	var body struct{ Code, ErrorCode string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	if body.ErrorCode != "" {
		return body.ErrorCode
	}
	return body.Code
}

func TestROAChecks(t *testing.T) {
	srv := saetest.NewServer()
	defer srv.Close()
	_, err := srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretID: 1})
	require.NoError(t, err)
	now := time.Now()
	assert.Equal(t, 200, signedROA(t, srv, now, "a", nil).StatusCode)
	assert.Equal(t, "SignatureNonceUsed", code(t, signedROA(t, srv, now, "a", nil)))
	assert.Equal(t, "InvalidTimeStamp.Expired", code(t, signedROA(t, srv, now.Add(20*time.Minute), "b", nil)))
	assert.Equal(t, "SignatureDoesNotMatch", code(t, signedROA(t, srv, now, "c", func(h http.Header) { h.Set("x-acs-extra", "1") })))
	assert.Equal(t, "SignatureDoesNotMatch", code(t, signedROA(t, srv, now, "d", func(h http.Header) { h.Set("Authorization", h.Get("Authorization")+"x") })))
	assert.Equal(t, "IncompleteSignature", code(t, signedROA(t, srv, now, "e", func(h http.Header) { h.Set("Authorization", "Bearer x") })))
	// A nonce is optional on ROA (sdk_shapes_test.go sends none), but one
	// that was signed cannot be dropped.
	assert.Equal(t, "SignatureDoesNotMatch", code(t, signedROA(t, srv, now, "f", func(h http.Header) { h.Del("x-acs-signature-nonce") })))
	assert.Equal(t, "MissingParameter", code(t, signedROA(t, srv, now, "h", func(h http.Header) { h.Del("Date") })))
	resp := signedROA(t, srv, now, "g", func(h http.Header) { h.Set("Authorization", "acs LTAInobody:x") })
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "InvalidAccessKeyId.NotFound", code(t, resp))
}

func TestFaultsAndClock(t *testing.T) {
	serverNow := time.Now().Add(-3 * time.Hour)
	srv := saetest.NewServer(saetest.WithClock(func() time.Time { return serverNow }))
	defer srv.Close()
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretName: "s"})
	require.NoError(t, err)
	c, err := srv.Client()
	require.NoError(t, err)
	in := &sae.DescribeSecretInput{NamespaceID: "n", SecretID: id}
	_, err = c.DescribeSecret(ctx, in)
	require.NoError(t, err, "skew learned from Date")
	assert.Equal(t, 2, srv.Requests())

	srv.FailNext(saetest.Fault{Reset: true}, saetest.Fault{Status: 503, Body: "busy", ContentType: "text/plain"}, saetest.Fault{Delay: 10 * time.Millisecond})
	out, err := c.DescribeSecret(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, "s", out.Secret.SecretName)
	assert.Equal(t, 5, srv.Requests())

	srv.FailNext(saetest.Fault{Code: "ServiceUnavailable"}, saetest.Fault{Code: "ServiceUnavailable"}, saetest.Fault{Code: "ServiceUnavailable"})
	_, err = c.DescribeSecret(ctx, in)
	var apiErr *sae.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.Equal(t, "ServiceUnavailable", apiErr.Code)
	assert.Equal(t, 8, srv.Requests())
}

func TestTLS(t *testing.T) {
	srv := saetest.NewServer(saetest.WithTLS())
	defer srv.Close()
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "n"})
	require.NoError(t, err)
	c, err := srv.Client()
	require.NoError(t, err)
	_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: id})
	require.NoError(t, err)
}

// A correctly signed request that lacks a parameter gets SAE's error
// answer, not a dropped connection.
func TestMissingParameterIsAnAnswer(t *testing.T) {
	srv := saetest.NewServer()
	defer srv.Close()
	u, err := url.Parse(srv.URL)
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		path, action string
		q            url.Values
	}{
		"DescribeSecret without SecretId": {sae.DescribeSecretPath, "DescribeSecret", url.Values{"NamespaceId": {"n"}}},
		"ListSecrets without NamespaceId": {sae.ListSecretsPath, "ListSecrets", url.Values{}},
	} {
		t.Run(name, func(t *testing.T) {
			h := http.Header{}
			r := &signer.Request{Method: "GET", Host: u.Host, Path: tc.path, Query: tc.q, Action: tc.action, Version: sae.APIVersion}
			_, err := signer.SignROA(h, r, signer.Credentials{AccessKeyID: saetest.DefaultAccessKeyID, AccessKeySecret: saetest.DefaultAccessKeySecret}, time.Now(), name)
			require.NoError(t, err)
			req, err := http.NewRequest("GET", srv.URL+tc.path+"?"+signer.CanonicalQuery(tc.q), nil)
			require.NoError(t, err)
			req.Header = h
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, 400, resp.StatusCode)
			assert.Contains(t, code(t, resp), "InvalidParameter")
		})
	}
}
