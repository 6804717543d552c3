package saetest_test

import (
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

// Client's retries back off at most 10ms, as documented, unless optFns
// say otherwise.
func TestClientBacksOffAtMost10ms(t *testing.T) {
	srv := saetest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	assert.Equal(t, 10*time.Millisecond, c.Options().RetryMaxBackoff)
	c, err = srv.Client(func(o *sae.Options) { o.RetryMaxBackoff = time.Second })
	require.NoError(t, err)
	assert.Equal(t, time.Second, c.Options().RetryMaxBackoff)
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
