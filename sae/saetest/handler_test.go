package saetest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw/sdkreplay"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// roa sends a ROA v1 request in the aliyun CLI's manner, dated at: no
// x-acs-action unless one is added, a nonce only when nonce is set.
func roa(t *testing.T, base, method, path string, query [][2]string, nonce string, at time.Time, extra ...[2]string) sdkreplay.Answer {
	t.Helper()
	headers := [][2]string{{"Date", "{{date}}"}, {"Accept", "application/json"}, {"x-acs-signature-method", "HMAC-SHA1"},
		{"x-acs-signature-version", "1.0"}, {"x-acs-version", "2019-05-06"}}
	if nonce != "" {
		headers = append(headers, [2]string{"x-acs-signature-nonce", "{{nonce}}"})
	}
	s := sdkreplay.Shape{Signing: "roa-v1", Method: method, Path: path, Query: query, Headers: append(headers, extra...)}
	req, err := s.Build(base, sdkreplay.Key{ID: saetest.DefaultAccessKeyID, Secret: saetest.DefaultAccessKeySecret}, at, nonce)
	require.NoError(t, err)
	return sdkreplay.Send(t, http.DefaultClient, req)
}

// The gateway routes by method and path: x-acs-action may be left out,
// and when sent must name the path's operation.
func TestRoutedByMethodAndPath(t *testing.T) {
	srv := saetest.NewServer()
	defer srv.Close()
	_, err := srv.PutSecret(saetest.Secret{NamespaceID: "n", SecretID: 16, SecretName: "reg", SecretData: map[string]string{"k": "djE="}})
	require.NoError(t, err)
	describe := [][2]string{{"NamespaceId", "n"}, {"SecretId", "16"}}
	list := [][2]string{{"NamespaceId", "n"}}
	for name, tc := range map[string]struct {
		method, path string
		query        [][2]string
		action       string
		status       int
		code, want   string
	}{
		"DescribeSecret by path":         {"GET", sae.DescribeSecretPath, describe, "", 200, "", `"SecretName":"reg"`},
		"ListSecrets by path":            {"GET", sae.ListSecretsPath, list, "", 200, "", `"Secrets":[`},
		"the path's action":              {"GET", sae.ListSecretsPath, list, "ListSecrets", 200, "", `"Secrets":[`},
		"another action than the path's": {"GET", sae.ListSecretsPath, list, "DescribeSecret", 404, "InvalidAction.NotFound", ""},
		"an unknown path":                {"GET", "/pop/v1/sam/secret/other", list, "", 404, "InvalidAction.NotFound", ""},
		"another method":                 {"POST", sae.DescribeSecretPath, describe, "", 404, "InvalidAction.NotFound", ""},
	} {
		t.Run(name, func(t *testing.T) {
			var extra [][2]string
			if tc.action != "" {
				extra = append(extra, [2]string{"x-acs-action", tc.action})
			}
			got := roa(t, srv.URL, tc.method, tc.path, tc.query, sdkreplay.Nonce(), time.Now(), extra...)
			assert.Equal(t, tc.status, got.Status, got.Body)
			assert.Equal(t, tc.code, map[bool]string{true: got.Code, false: ""}[tc.status != 200])
			assert.Contains(t, got.Body, tc.want)
		})
	}
}

// Without a nonce, the Date must still be in the window and the
// signature right; a nonce that is sent is used once and bounded.
func TestNonceOptionalButChecked(t *testing.T) {
	srv := saetest.NewServer()
	defer srv.Close()
	srv.AddNamespace("n")
	list := [][2]string{{"NamespaceId", "n"}}
	assert.Equal(t, 200, roa(t, srv.URL, "GET", sae.ListSecretsPath, list, "", time.Now()).Status)
	assert.Equal(t, 200, roa(t, srv.URL, "GET", sae.ListSecretsPath, list, "", time.Now()).Status, "no nonce: served again")
	nonce := sdkreplay.Nonce()
	assert.Equal(t, 200, roa(t, srv.URL, "GET", sae.ListSecretsPath, list, nonce, time.Now()).Status)
	assert.Equal(t, "SignatureNonceUsed", roa(t, srv.URL, "GET", sae.ListSecretsPath, list, nonce, time.Now()).Code)
	long := roa(t, srv.URL, "GET", sae.ListSecretsPath, list, sdkreplay.Nonce()+sdkreplay.Nonce()+"x", time.Now())
	assert.Equal(t, 400, long.Status)
	assert.Equal(t, "InvalidParameter", long.Code, "a nonce longer than 64 bytes")
	stale := roa(t, srv.URL, "GET", sae.ListSecretsPath, list, "", time.Now().Add(-20*time.Minute))
	assert.Equal(t, "InvalidTimeStamp.Expired", stale.Code)
}

// The handler works mounted on a server of the test's; its request log
// names each operation (from the path when no action is sent), and Reset
// forgets secrets, faults, the log and the counts and restores the rate
// limit it was built with.
func TestHandlerLogResetAndRateLimit(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second) // fixed: the log's times are exact
	h := saetest.NewHandler(saetest.WithClock(func() time.Time { return now }), saetest.WithRateLimit(saetest.RateLimit{Rate: 0.001, Burst: 3}))
	hs := httptest.NewServer(h)
	defer hs.Close()
	id, err := h.PutSecret(saetest.Secret{NamespaceID: "n", SecretName: "reg"})
	require.NoError(t, err)
	c, err := sae.New(sae.Options{Endpoint: hs.URL, Credentials: h.Credentials(), RetryMaxAttempts: 1})
	require.NoError(t, err)

	_, err = c.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "n", SecretName: "reg"})
	require.NoError(t, err) // ListSecrets, then DescribeSecret
	h.FailNext(saetest.Fault{Status: 503, Code: "ServiceUnavailable"})
	_, err = c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
	require.ErrorIs(t, err, sae.ErrServiceUnavailable)
	_, err = c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
	require.ErrorIs(t, err, sae.ErrThrottled, "the burst of 3 is spent")
	assert.Equal(t, []saetest.LoggedRequest{
		{Time: now, Action: "ListSecrets", Style: "ROA", Status: 200},
		{Time: now, Action: "DescribeSecret", Style: "ROA", Status: 200},
		{Time: now, Action: "ListSecrets", Style: "ROA", Status: 503, Code: "ServiceUnavailable"},
		{Time: now, Action: "ListSecrets", Style: "ROA", Status: 429, Code: "Rejected.Throttling"},
	}, h.RequestLog())
	assert.Equal(t, 4, h.Requests())
	assert.Equal(t, 1, h.Throttled())

	h.SetRateLimit(saetest.RateLimit{})
	got := roa(t, hs.URL, "GET", sae.ListSecretsPath, [][2]string{{"NamespaceId", "n"}}, "", now)
	assert.Equal(t, 200, got.Status, "the limit lifted")
	assert.Equal(t, "ListSecrets", h.RequestLog()[4].Action, "the operation from the path")

	sec, ok := h.Secret(id)
	require.True(t, ok)
	assert.Equal(t, "reg", sec.SecretName)
	byName, ok := h.SecretByName("n", "reg")
	require.True(t, ok)
	assert.Equal(t, id, byName.SecretID)
	_, ok = h.SecretByName("other", "reg")
	assert.False(t, ok)
	_, ok = h.SecretByName("n", "")
	assert.False(t, ok, "an empty name names none")

	h.FailNext(saetest.Fault{Status: 500, Code: "InternalError"})
	h.Reset()
	assert.Empty(t, h.RequestLog())
	assert.Zero(t, h.Requests())
	assert.Zero(t, h.Throttled())
	_, ok = h.Secret(id)
	assert.False(t, ok, "secrets forgotten")
	_, err = c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
	require.ErrorIs(t, err, sae.ErrSecretNotFound, "the namespace is forgotten too, and no fault is left")
	id2, err := h.PutSecret(saetest.Secret{NamespaceID: "n"})
	require.NoError(t, err)
	assert.Equal(t, int64(1), id2, "ids from 1 again")
	for range 2 {
		_, err = c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
		require.NoError(t, err)
	}
	_, err = c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
	require.ErrorIs(t, err, sae.ErrThrottled, "WithRateLimit's limit is back, with a full bucket of 3")
}
