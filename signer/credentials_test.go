package signer

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testSecret = "SECRET-4f9c1e7d-never-print"
	testToken  = "TOKEN-8b2a6c0e-never-print"
)

func TestCredentialsNeverPrintSecrets(t *testing.T) {
	c := Credentials{AccessKeyID: "LTAIexample", AccessKeySecret: testSecret, SecurityToken: testToken}
	p := StaticCredentials("LTAIexample", testSecret, testToken)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	logger.Debug("creds", "c", c, "p", p)
	outputs := []string{logs.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%X"} {
		outputs = append(outputs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c), fmt.Sprintf(verb, p), fmt.Sprintf(verb, []any{c}))
	}
	for _, out := range outputs {
		assert.NotContains(t, out, testSecret)
		assert.NotContains(t, out, testToken)
	}
	assert.Contains(t, fmt.Sprint(c), "LTAIexample")
	assert.Contains(t, fmt.Sprint(c), "[redacted]")
	assert.Contains(t, logs.String(), `"sts":true`)
}

func TestFromModel(t *testing.T) {
	s := func(v string) *string { return &v }
	c, err := FromModel(&credentials.CredentialModel{AccessKeyId: s("id"), AccessKeySecret: s("sec"), SecurityToken: s("tok")})
	require.NoError(t, err)
	assert.Equal(t, Credentials{AccessKeyID: "id", AccessKeySecret: "sec", SecurityToken: "tok"}, c)

	// A bearer token next to an access key is ignored: the key signs.
	c, err = FromModel(&credentials.CredentialModel{AccessKeyId: s("id"), AccessKeySecret: s("sec"), BearerToken: s("b")})
	require.NoError(t, err)
	assert.Equal(t, Credentials{AccessKeyID: "id", AccessKeySecret: "sec"}, c)

	for name, tc := range map[string]struct {
		m    *credentials.CredentialModel
		want string
	}{
		"nil model":  {nil, "provider returned no credentials"},
		"no id":      {&credentials.CredentialModel{AccessKeySecret: s("sec")}, "access key id is empty"},
		"no secret":  {&credentials.CredentialModel{AccessKeyId: s("id"), AccessKeySecret: s("")}, "access key secret is empty"},
		"bearer":     {&credentials.CredentialModel{BearerToken: s("BEARER-VALUE-91d3")}, "bearer-token credentials are not supported"},
		"empty both": {&credentials.CredentialModel{}, "access key id is empty"},
	} {
		_, err := FromModel(tc.m)
		require.ErrorIs(t, err, ErrInvalidCredentials, name)
		assert.Contains(t, err.Error(), tc.want, name)
		assert.NotContains(t, err.Error(), "BEARER-VALUE-91d3")
	}
}

func TestStaticCredentials(t *testing.T) {
	m, err := StaticCredentials("id", "sec", "").GetCredential()
	require.NoError(t, err)
	assert.Equal(t, "id", *m.AccessKeyId)
	assert.Equal(t, "sec", *m.AccessKeySecret)
	assert.Equal(t, "access_key", *m.Type)
	m, err = StaticCredentials("id", "sec", "tok").GetCredential()
	require.NoError(t, err)
	assert.Equal(t, "sts", *m.Type)

	// No fallback to the environment for empty values.
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id")
	t.Setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret")
	_, err = StaticCredentials("", "", "").GetCredential()
	require.ErrorIs(t, err, ErrInvalidCredentials)
	assert.Contains(t, err.Error(), "access key id is empty")
	var nilP *StaticCredentialsProvider
	_, err = nilP.GetCredential()
	require.Error(t, err)
	assert.Equal(t, "signer.StaticCredentials{AccessKeyID: AccessKeySecret: SecurityToken:}", nilP.String())
	assert.Equal(t, nilP.String(), fmt.Sprintf("%#v", nilP))
}

// String is called directly by loggers that take a fmt.Stringer: it names
// the key id and never prints the secret or the token.
func TestCredentialsString(t *testing.T) {
	cases := []struct {
		name string
		c    Credentials
		want string
	}{
		{"access key", Credentials{AccessKeyID: "LTAIexample", AccessKeySecret: testSecret},
			"{AccessKeyID:LTAIexample AccessKeySecret:[redacted] SecurityToken:}"},
		{"sts", Credentials{AccessKeyID: "STS.x", AccessKeySecret: testSecret, SecurityToken: testToken},
			"{AccessKeyID:STS.x AccessKeySecret:[redacted] SecurityToken:[redacted]}"},
		{"empty", Credentials{}, "{AccessKeyID: AccessKeySecret: SecurityToken:}"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.c.String())
			assert.Equal(t, "signer.Credentials"+tc.want, tc.c.GoString())
			assert.Equal(t, "signer.Credentials"+tc.want, fmt.Sprintf("%#v", tc.c))
			assert.Equal(t, tc.want, fmt.Sprintf("%v", tc.c))
			assert.Equal(t, tc.want, fmt.Sprintf("%#x", tc.c), "# without v is not GoString")
			p := StaticCredentials(tc.c.AccessKeyID, tc.c.AccessKeySecret, tc.c.SecurityToken)
			assert.Equal(t, "signer.StaticCredentials"+tc.want, p.String())
			assert.Equal(t, p.String(), p.GoString())
			assert.Equal(t, p.String(), fmt.Sprintf("%#v", p))
		})
	}
}
