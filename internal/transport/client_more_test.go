package transport

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

func TestForCall(t *testing.T) {
	c := newTestClient(t, kmsService, "http://127.0.0.1:1")
	opts := Options{Endpoint: "http://127.0.0.1:1", Credentials: signer.StaticCredentials(testAK, testSecret, "")}
	same, err := ForCall(c, &opts, nil, func(o Options) Options { return o })
	require.NoError(t, err)
	assert.Same(t, c, same, "no overrides: the client itself")

	other, err := ForCall(c, &opts, []func(*Options){func(o *Options) { o.RetryMaxAttempts = 9 }}, func(o Options) Options { return o })
	require.NoError(t, err)
	assert.NotSame(t, c, other)
	assert.Equal(t, 9, other.s.maxAttempts)
	assert.Zero(t, opts.RetryMaxAttempts, "the client's options are not changed")

	_, err = ForCall(c, &opts, []func(*Options){func(o *Options) { o.RetryMaxAttempts = -1 }}, func(o Options) Options { return o })
	require.ErrorIs(t, err, signer.ErrInvalidInput)
}

func TestResponseRequestID(t *testing.T) {
	r := &Response{StatusCode: 200, Header: http.Header{}}
	assert.Empty(t, r.RequestID())
	r.Header.Set("X-Acs-Request-Id", "R-9")
	assert.Equal(t, "R-9", r.RequestID())
}

func TestStaticProviderTakesTheFastPath(t *testing.T) {
	static := signer.StaticCredentials(testAK, testSecret, "")
	g := newCredGuard(static, 0)
	require.NotNil(t, g.static, "a valid static provider is read once, at construction")
	assert.Equal(t, signer.Credentials{AccessKeyID: testAK, AccessKeySecret: testSecret}, *g.static)
	var typedNil *signer.StaticCredentialsProvider
	assert.Nil(t, newCredGuard(typedNil, 0).static)
}

func TestGuardProvides(t *testing.T) {
	p := &blockingProvider{}
	q := &blockingProvider{}
	cases := []struct {
		name  string
		guard signer.CredentialsProvider
		asked signer.CredentialsProvider
		want  bool
	}{
		{"both the default chain", nil, nil, true},
		{"default chain, asked for p", nil, p, false},
		{"p, asked for the default chain", p, nil, false},
		{"p, asked for p", p, p, true},
		{"p, asked for q", p, q, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, newCredGuard(tc.guard, 0).provides(tc.asked))
		})
	}
}
