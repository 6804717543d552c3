package kmstest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

// NewHandler is the fake without a listener: mounted on a mux of the
// test's, it serves the kms client; its log, rate limit and Reset work as
// on a Server.
func TestHandlerOnATestsMux(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second) // fixed: the log's times are exact
	h := kmstest.NewHandler(kmstest.WithClock(func() time.Time { return now }), kmstest.WithRateLimit(kmstest.RateLimit{Rate: 0.001, Burst: 3}))
	// A request is logged when the handler returns, which can be after the
	// client has its answer (a dropped connection: at once); each call
	// below waits for its request's handler, so the log is complete and in
	// order when read.
	served := make(chan struct{}, 16) // more than the test sends: a handler never waits on it
	mux := http.NewServeMux()
	mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { served <- struct{}{} }()
		h.ServeHTTP(w, r)
	}))
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {})
	hs := httptest.NewServer(mux)
	defer hs.Close()
	c, err := kms.New(kms.Options{Endpoint: hs.URL, Credentials: h.Credentials(), RetryMaxAttempts: 1, SignatureVersion: signer.V3})
	require.NoError(t, err)
	call := func(name string) (*kms.GetSecretValueOutput, error) {
		out, err := get(c, name)
		<-served
		return out, err
	}
	h.PutSecretValue("db", "pw")

	out, err := call("db")
	require.NoError(t, err)
	assert.Equal(t, "pw", out.SecretData)
	_, err = call("missing")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	h.FailNext(kmstest.Fault{Reset: true})
	_, err = call("db")
	require.Error(t, err)
	_, err = call("db")
	require.ErrorIs(t, err, kms.ErrThrottled)
	assert.Equal(t, []kmstest.LoggedRequest{
		{Time: now, Action: "GetSecretValue", Style: "RPC", Status: 200},
		{Time: now, Action: "GetSecretValue", Style: "RPC", Status: 404, Code: "Forbidden.ResourceNotFound"},
		{Time: now, Action: "GetSecretValue", Style: "RPC", Status: 0},
		{Time: now, Action: "GetSecretValue", Style: "RPC", Status: 429, Code: "Rejected.Throttling"},
	}, h.RequestLog(), "a dropped connection is status 0")
	assert.Equal(t, 1, h.Throttled())

	h.SetRateLimit(kmstest.RateLimit{})
	_, err = call("db")
	require.NoError(t, err, "the limit lifted")
	h.SetRateLimit(kmstest.RateLimit{Rate: 0.001, Burst: 1, RetryAfter: 2 * time.Second})
	_, err = call("db")
	require.NoError(t, err)
	_, err = call("db")
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 2*time.Second, apiErr.RetryAfter, "a new limit, with its own retry-after")

	h.FailNext(kmstest.Fault{Status: 500, Code: "InternalFailure"})
	h.Reset()
	assert.Empty(t, h.RequestLog())
	assert.Zero(t, h.Requests())
	assert.Zero(t, h.Throttled())
	_, ok := h.Secret("db")
	assert.False(t, ok, "secrets forgotten")
	h.PutSecretValue("db", "again")
	for range 3 {
		_, err = call("db")
		require.NoError(t, err, "no fault left; WithRateLimit's burst of 3 is back")
	}
	_, err = call("db")
	require.ErrorIs(t, err, kms.ErrThrottled)
}

// RotateSecret adds the new ACSCurrent version and moves the stages, as
// a rotation does; Secret finds a secret by name or ARN.
func TestRotateSecret(t *testing.T) {
	h := kmstest.NewHandler()
	require.NoError(t, h.PutSecret(kmstest.Secret{Name: "db", Versions: []kmstest.Version{
		{ID: "00000000000000000000000000000002", Stages: []string{"ACSPrevious"}, Data: "older"},
		{ID: "v1", Stages: []string{"ACSCurrent", "blue"}, Data: "old"},
	}}))
	id, err := h.RotateSecret("db", "v2", "new")
	require.NoError(t, err)
	assert.Equal(t, "v2", id)
	id, err = h.RotateSecret("db", "", "newer")
	require.NoError(t, err)
	assert.Equal(t, "00000000000000000000000000000004", id, "an assigned id skips the ones taken")
	sec, ok := h.Secret("acs:kms:" + kmstest.Region + ":" + kmstest.AccountID + ":secret/db")
	require.True(t, ok)
	stages := map[string][]string{}
	for _, v := range sec.Versions {
		stages[v.ID] = v.Stages
	}
	assert.Equal(t, map[string][]string{
		"00000000000000000000000000000002": {},
		"v1":                               {"blue"},
		"v2":                               {"ACSPrevious"},
		id:                                 {"ACSCurrent"},
	}, stages)
	assert.False(t, sec.UpdateTime.IsZero())

	_, err = h.RotateSecret("db", "v2", "x")
	require.ErrorContains(t, err, `version id "v2" exists already`)
	_, err = h.RotateSecret("nobody", "", "x")
	require.ErrorContains(t, err, `no secret named "nobody"`)
}

// A nonce longer than any SDK sends, and a body over 64 KiB, are refused.
func TestRequestBounds(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	code := func(resp *http.Response) string {
		var body struct{ Code string }
		_ = jsonDecode(resp, &body)
		return body.Code
	}
	resp := rawRPC(t, srv, rpcParams(strings.Repeat("n", 64), time.Now()), kmstest.DefaultAccessKeySecret)
	assert.Equal(t, 200, resp.StatusCode, "64 bytes")
	resp = rawRPC(t, srv, rpcParams(strings.Repeat("m", 65), time.Now()), kmstest.DefaultAccessKeySecret)
	assert.Equal(t, 400, resp.StatusCode)
	assert.Equal(t, "InvalidParameter", code(resp))

	p := rpcParams("big-body", time.Now())
	p.Set("Signature", signer.RPCSignature(signer.RPCStringToSign("POST", signer.CanonicalQuery(p)), kmstest.DefaultAccessKeySecret))
	form := p.Encode() + "&Padding=" + strings.Repeat("x", 64<<10)
	resp, err := http.Post(srv.URL+"/", "application/x-www-form-urlencoded", strings.NewReader(form))
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.Equal(t, "InvalidParameter", code(resp))
}
