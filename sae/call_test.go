package sae_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
	"github.com/alisecret/alisecret-go/signer"
)

// headerServer answers every request with body and the request id header
// X-Acs-Request-Id: hdr-id, and counts the requests.
func headerServer(t *testing.T, body string) (*sae.Client, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Acs-Request-Id", "hdr-id")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(hs.Close)
	c, err := sae.New(sae.Options{Endpoint: hs.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
	require.NoError(t, err)
	return c, &n
}

// RequestID is the body's RequestId; only when the body has none is it the
// X-Acs-Request-Id header.
func TestRequestIDFallsBackToTheHeader(t *testing.T) {
	const describe = `{"Success":true,%s"Data":{"NamespaceId":"n","SecretId":16}}`
	const list = `{"Success":true,%s"Data":{"Secrets":[]}}`
	for _, tc := range []struct {
		name, field, want string
	}{
		{"body has none", ``, "hdr-id"},
		{"body has one", `"RequestId":"body-id",`, "body-id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := headerServer(t, fmt.Sprintf(describe, tc.field))
			out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
			require.NoError(t, err)
			assert.Equal(t, tc.want, out.RequestID, "DescribeSecret")

			c, _ = headerServer(t, fmt.Sprintf(list, tc.field))
			lout, err := c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
			require.NoError(t, err)
			assert.Equal(t, tc.want, lout.RequestID, "ListSecrets")
		})
	}
}

// The caller's context reaches the call: a cancelled one stops it before
// anything is sent; a nil one is context.Background.
func TestCallerContextReachesTheCall(t *testing.T) {
	c, n := headerServer(t, `{"Success":true,"RequestId":"r","Data":{"NamespaceId":"n","SecretId":16}}`)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.DescribeSecret(cancelled, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
	require.ErrorIs(t, err, context.Canceled)
	_, err = c.ListSecrets(cancelled, &sae.ListSecretsInput{NamespaceID: "n"})
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, n.Load(), "a cancelled call sends nothing")

	var none context.Context
	out, err := c.DescribeSecret(none, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
	require.NoError(t, err)
	assert.Equal(t, int64(16), out.Secret.SecretID)
}

// A call's own options apply to that call only: other credentials reach
// the wire (an unknown key is refused, a known one on a client built with
// an unknown key is served), the client's next call is unchanged, and a
// KMS instance setting is rejected by name before anything is sent.
func TestPerCallOptionsApplyToTheCall(t *testing.T) {
	srv, good := newFake(t)
	id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:a", SecretName: "db"})
	require.NoError(t, err)
	in := &sae.DescribeSecretInput{NamespaceID: "cn-beijing:a", SecretID: id}
	unknownKey := func(o *sae.Options) { o.Credentials = signer.StaticCredentials("LTAIunknown", "x", "") }
	knownKey := func(o *sae.Options) {
		o.Credentials = signer.StaticCredentials(saetest.DefaultAccessKeyID, saetest.DefaultAccessKeySecret, "")
	}

	_, err = good.DescribeSecret(ctx, in, unknownKey)
	require.ErrorIs(t, err, signer.ErrInvalidCredentials, "DescribeSecret with the call's credentials")
	_, err = good.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:a"}, unknownKey)
	require.ErrorIs(t, err, signer.ErrInvalidCredentials, "ListSecrets with the call's credentials")
	out, err := good.DescribeSecret(ctx, in)
	require.NoError(t, err, "the client's own credentials on the next call")
	assert.Equal(t, "db", out.Secret.SecretName)

	bad, err := srv.Client(unknownKey)
	require.NoError(t, err)
	out, err = bad.DescribeSecret(ctx, in, knownKey)
	require.NoError(t, err)
	assert.Equal(t, "db", out.Secret.SecretName)
	lout, err := bad.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:a"}, knownKey)
	require.NoError(t, err)
	assert.Len(t, lout.Secrets, 1)

	sent := srv.Requests()
	for field, fn := range map[string]func(*sae.Options){
		"InstanceEndpoint":  func(o *sae.Options) { o.InstanceEndpoint = "kst-x.cryptoservice.kms.aliyuncs.com" },
		"InstanceCACert":    func(o *sae.Options) { o.InstanceCACert = []byte("pem") },
		"InstanceAllowHTTP": func(o *sae.Options) { o.InstanceAllowHTTP = true },
	} {
		_, err := good.DescribeSecret(ctx, in, fn)
		require.ErrorIs(t, err, signer.ErrInvalidInput, field)
		assert.Contains(t, err.Error(), "Options."+field)
		_, err = good.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "cn-beijing:a"}, fn)
		require.ErrorIs(t, err, signer.ErrInvalidInput, field)
	}
	assert.Equal(t, sent, srv.Requests(), "a rejected call sends nothing")
}

// hostRecorder is an HTTPClient that sends nothing: it records the host of
// each request and answers with a successful DescribeSecret.
type hostRecorder struct{ hosts []string }

func (h *hostRecorder) Do(req *http.Request) (*http.Response, error) {
	h.hosts = append(h.hosts, req.URL.Host)
	body := `{"Success":true,"RequestId":"r","Data":{"NamespaceId":"n","SecretId":16}}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// A client's requests go to the endpoint New resolved (Client.Endpoint):
// the region read from ALIBABA_CLOUD_REGION_ID at New stays, whatever the
// variable says later.
func TestEndpointFixedAtNew(t *testing.T) {
	t.Setenv("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou")
	rec := &hostRecorder{}
	c, err := sae.New(sae.Options{Credentials: signer.StaticCredentials("id", "secret", ""), HTTPClient: rec, RetryMaxAttempts: 1})
	require.NoError(t, err)
	require.Equal(t, "https://sae.cn-hangzhou.aliyuncs.com", c.Endpoint())

	for _, region := range []string{"cn-shanghai", ""} {
		t.Setenv("ALIBABA_CLOUD_REGION_ID", region)
		_, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 16})
		require.NoError(t, err, "ALIBABA_CLOUD_REGION_ID=%q", region)
	}
	assert.Equal(t, []string{"sae.cn-hangzhou.aliyuncs.com", "sae.cn-hangzhou.aliyuncs.com"}, rec.hosts)
}
