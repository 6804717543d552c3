package kmstest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

var ctx = context.Background()

func get(c *kms.Client, name string) (*kms.GetSecretValueOutput, error) {
	return c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: name})
}

func TestPutSecretValidation(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	require.ErrorContains(t, srv.PutSecret(kmstest.Secret{}), "Name is empty")
	require.ErrorContains(t, srv.PutSecret(kmstest.Secret{Name: "a", Versions: []kmstest.Version{{}}}), "Versions[0].ID is empty")
	require.ErrorContains(t, srv.PutSecret(kmstest.Secret{Name: "a", Versions: []kmstest.Version{{ID: "1"}, {ID: "1"}}}), `version id "1" twice`)
	require.ErrorContains(t, srv.PutSecret(kmstest.Secret{Name: "a", Versions: []kmstest.Version{
		{ID: "1", Stages: []string{"ACSCurrent"}}, {ID: "2", Stages: []string{"ACSCurrent"}}}}), "on two versions")
}

func TestPutSecretValueRotates(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	v1 := srv.PutSecretValue("db", "one")
	v2 := srv.PutSecretValue("db", "two")
	assert.NotEqual(t, v1, v2)
	cur, err := get(c, "db")
	require.NoError(t, err)
	assert.Equal(t, "two", cur.SecretData)
	assert.Equal(t, v2, cur.VersionID)
	prev, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionStage: "ACSPrevious"})
	require.NoError(t, err)
	assert.Equal(t, "one", prev.SecretData)
	srv.PutSecretValue("db", "three")
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionID: v1, VersionStage: "ACSPrevious"})
	require.ErrorIs(t, err, kms.ErrSecretNotFound, "v1 has no stage left")
	srv.DeleteSecret("db")
	_, err = get(c, "db")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
}

func TestMutatingPutSecretArgumentLaterHasNoEffect(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	sec := kmstest.Secret{Name: "s", Versions: []kmstest.Version{{ID: "1", Stages: []string{"ACSCurrent"}, Data: "x"}}}
	require.NoError(t, srv.PutSecret(sec))
	sec.Versions[0].Data = "changed"
	sec.Versions[0].Stages[0] = "other"
	out, err := get(c, "s")
	require.NoError(t, err)
	assert.Equal(t, "x", out.SecretData)
}

func TestTimeWindowAndClock(t *testing.T) {
	serverNow := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	srv := kmstest.NewServer(kmstest.WithClock(func() time.Time { return serverNow }))
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	c, err := srv.Client()
	require.NoError(t, err)
	// The local clock is years away from the server's: the first attempt is
	// refused, the client learns the offset from Date and succeeds.
	out, err := get(c, "db")
	require.NoError(t, err)
	assert.Equal(t, "pw", out.SecretData)
	assert.Equal(t, 2, srv.Requests())
	_, err = get(c, "db")
	require.NoError(t, err)
	assert.Equal(t, 3, srv.Requests(), "the offset is kept")

	// Without the retry budget for it (RetryMaxAttempts has no say in the
	// one skew retry), a fresh client still learns.
	c2, err := srv.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1; o.SignatureVersion = signer.V3 })
	require.NoError(t, err)
	_, err = get(c2, "db")
	require.NoError(t, err)
}

// rawRPC sends a hand-signed RPC v1 request so the server's checks can be
// exercised directly.
func rawRPC(t *testing.T, srv *kmstest.Server, params url.Values, secret string) *http.Response {
	t.Helper()
	q := url.Values{}
	for k, v := range params {
		q[k] = v
	}
	q.Set("Signature", signer.RPCSignature(signer.RPCStringToSign("POST", signer.CanonicalQuery(params)), secret))
	resp, err := http.Post(srv.URL+"/?"+signer.CanonicalQuery(q), "application/x-www-form-urlencoded", nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = resp.Body.Close() })
	return resp
}

func rpcParams(nonce string, ts time.Time) url.Values {
	return url.Values{
		"Action": {"GetSecretValue"}, "Version": {"2016-01-20"}, "Format": {"JSON"},
		"AccessKeyId": {kmstest.DefaultAccessKeyID}, "SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"},
		"SignatureNonce": {nonce}, "Timestamp": {ts.UTC().Format(signer.RPCTimestampLayout)}, "SecretName": {"db"},
	}
}

func TestServerChecks(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	code := func(resp *http.Response) string {
		var apiErr = struct{ Code string }{}
		_ = jsonDecode(resp, &apiErr)
		return apiErr.Code
	}
	resp := rawRPC(t, srv, rpcParams("n-1", time.Now()), kmstest.DefaultAccessKeySecret)
	assert.Equal(t, 200, resp.StatusCode)
	resp = rawRPC(t, srv, rpcParams("n-1", time.Now()), kmstest.DefaultAccessKeySecret)
	assert.Equal(t, "SignatureNonceUsed", code(resp))
	resp = rawRPC(t, srv, rpcParams("n-2", time.Now().Add(-16*time.Minute)), kmstest.DefaultAccessKeySecret)
	assert.Equal(t, "InvalidTimeStamp.Expired", code(resp))
	resp = rawRPC(t, srv, rpcParams("n-3", time.Now().Add(14*time.Minute)), kmstest.DefaultAccessKeySecret)
	assert.Equal(t, 200, resp.StatusCode, "inside the window")
	resp = rawRPC(t, srv, rpcParams("n-4", time.Now()), "wrong")
	assert.Equal(t, "SignatureDoesNotMatch", code(resp))
	p := rpcParams("n-5", time.Now())
	p.Del("SignatureNonce")
	assert.Equal(t, "MissingParameter", code(rawRPC(t, srv, p, kmstest.DefaultAccessKeySecret)))
	p = rpcParams("n-6", time.Now())
	p.Set("Action", "DeleteSecret")
	resp = rawRPC(t, srv, p, kmstest.DefaultAccessKeySecret)
	assert.Equal(t, 404, resp.StatusCode)
	assert.Equal(t, "InvalidAction.NotFound", code(resp))
	p = rpcParams("n-7", time.Now())
	p.Set("Version", "2014-05-26")
	assert.Equal(t, "InvalidVersion", code(rawRPC(t, srv, p, kmstest.DefaultAccessKeySecret)))
}

func TestACS3UnsignedHeaderRejected(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	h := http.Header{}
	u, _ := url.Parse(srv.URL)
	r := &signer.Request{Method: "POST", Host: u.Host, Path: "/", Action: "GetSecretValue", Version: "2016-01-20", Query: url.Values{"SecretName": {"db"}}}
	_, err := signer.SignACS3(h, r, signer.Credentials{AccessKeyID: kmstest.DefaultAccessKeyID, AccessKeySecret: kmstest.DefaultAccessKeySecret}, time.Now(), "nonce-1")
	require.NoError(t, err)
	h.Set("x-acs-smuggled", "1") // added after signing
	req, err := http.NewRequest("POST", srv.URL+"/?SecretName=db", nil)
	require.NoError(t, err)
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct{ Code, Message string }
	require.NoError(t, jsonDecode(resp, &body))
	assert.Equal(t, "IncompleteSignature", body.Code)
}

func TestFaults(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	c, err := srv.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)

	srv.FailNext(kmstest.Fault{Reset: true})
	_, err = get(c, "db")
	require.Error(t, err)
	var apiErr *kms.APIError
	require.False(t, errorsAs(err, &apiErr), "a reset is a transport error: %v", err)

	srv.FailNext(kmstest.Fault{Status: 502, Body: "<html><title>Bad Gateway</title></html>", ContentType: "text/html"})
	_, err = get(c, "db")
	require.True(t, errorsAs(err, &apiErr))
	assert.Equal(t, 502, apiErr.StatusCode)
	assert.Contains(t, apiErr.Message, "Bad Gateway")

	srv.FailNext(kmstest.Fault{Delay: 20 * time.Millisecond})
	out, err := get(c, "db")
	require.NoError(t, err, "a delay alone delays a normal answer")
	assert.Equal(t, "pw", out.SecretData)

	srv.FailNext(kmstest.Fault{Code: "InternalFailure"})
	_, err = get(c, "db")
	require.True(t, errorsAs(err, &apiErr))
	assert.Equal(t, 500, apiErr.StatusCode, "default status for a code")
	assert.True(t, strings.HasPrefix(apiErr.Recommend, "https://api.aliyun.com/troubleshoot?q=InternalFailure"))
	assert.Equal(t, 4, srv.Requests())
}

func TestTLS(t *testing.T) {
	srv := kmstest.NewServer(kmstest.WithTLS())
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	assert.True(t, strings.HasPrefix(srv.URL, "https://"))
	c, err := srv.Client()
	require.NoError(t, err)
	out, err := get(c, "db")
	require.NoError(t, err)
	assert.Equal(t, "pw", out.SecretData)
	// The default client does not trust the test certificate, and a
	// certificate error is not retried.
	attempts := 0
	counting := doerFunc(func(r *http.Request) (*http.Response, error) { attempts++; return http.DefaultClient.Do(r) })
	strict, err := kms.New(kms.Options{Endpoint: srv.URL, Credentials: srv.Credentials(), HTTPClient: counting})
	require.NoError(t, err)
	_, err = get(strict, "db")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
	assert.Equal(t, 1, attempts)
}

// TestClientHelpers: Server.Client and Instance.Client point at the fakes
// with fast retries (10ms at most between attempts), and optFns override.
func TestClientHelpers(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	assert.Equal(t, srv.URL, c.Endpoint())
	assert.Equal(t, 10*time.Millisecond, c.Options().RetryMaxBackoff)
	inst := srv.StartInstance()
	defer inst.Close()
	ic, err := inst.Client()
	require.NoError(t, err)
	assert.Equal(t, [2]string{srv.URL, inst.URL}, [2]string{ic.Endpoint(), ic.InstanceEndpoint()})
	assert.Equal(t, 10*time.Millisecond, ic.Options().RetryMaxBackoff)
	ic, err = inst.Client(func(o *kms.Options) { o.RetryMaxBackoff = time.Second })
	require.NoError(t, err)
	assert.Equal(t, time.Second, ic.Options().RetryMaxBackoff)
}
