package sdkreplay

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Nonce returns 32 fresh hex digits, as the SDKs' nonces are.
func Nonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Answer is the status, error code and body of a fake's answer.
type Answer struct {
	Status int
	Code   string // ErrorCode of an SAE envelope, else Code
	Body   string
}

// Send sends req with client and reads the answer.
func Send(t testing.TB, client *http.Client, req *http.Request) Answer {
	t.Helper()
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var body struct{ Code, ErrorCode string }
	_ = json.Unmarshal(b, &body)
	code := body.ErrorCode
	if code == "" {
		code = body.Code
	}
	return Answer{Status: resp.StatusCode, Code: code, Body: string(b)}
}

// CheckAll replays every shape of the file to baseURL and checks, per
// shape: signed with key it is answered with 200 and a body holding the
// shape's Want; signed with the wrong secret it is SignatureDoesNotMatch;
// a shape carrying an STS token is refused with another token;
// under an unknown key id it is InvalidAccessKeyId.NotFound; dated 20
// minutes back it is InvalidTimeStamp.Expired; sent twice, a shape with a
// nonce is refused the second time (SignatureNonceUsed) and one without is
// served again, as the real gateway does. now is the fake's clock.
func CheckAll(t *testing.T, file, baseURL string, client *http.Client, key Key, now func() time.Time) {
	shapes, err := Load(file)
	require.NoError(t, err)
	require.NotEmpty(t, shapes)
	for _, s := range shapes {
		t.Run(s.Name, func(t *testing.T) {
			build := func(k Key, at time.Time, nonce string) *http.Request {
				req, err := s.Build(baseURL, k, at, nonce)
				require.NoError(t, err)
				return req
			}
			nonce := Nonce()
			at := now()
			ok := Send(t, client, build(key, at, nonce))
			require.Equal(t, http.StatusOK, ok.Status, "the SDK's shape must be accepted: %s", ok.Body)
			assert.Contains(t, ok.Body, s.Want)

			again := Send(t, client, build(key, at, nonce))
			if s.uses("{{nonce}}") {
				assert.Equal(t, "SignatureNonceUsed", again.Code, "a replayed nonce is refused")
			} else {
				assert.Equal(t, http.StatusOK, again.Status, "without a nonce only the time window limits replay: %s", again.Body)
			}

			wrong := Send(t, client, build(Key{ID: key.ID, Secret: key.Secret + "-wrong", Token: key.Token}, now(), Nonce()))
			assert.Equal(t, http.StatusBadRequest, wrong.Status)
			assert.Equal(t, "SignatureDoesNotMatch", wrong.Code, "a wrong secret is refused")

			unknown := Send(t, client, build(Key{ID: "LTAIunknownKey", Secret: key.Secret, Token: key.Token}, now(), Nonce()))
			assert.Equal(t, "InvalidAccessKeyId.NotFound", unknown.Code, "an unknown key id is refused")

			if s.uses("{{securityToken}}") {
				badToken := Send(t, client, build(Key{ID: key.ID, Secret: key.Secret, Token: key.Token + "-stale"}, now(), Nonce()))
				assert.Equal(t, "InvalidSecurityToken.MismatchWithAccessKey", badToken.Code, "another token is refused")
				assert.NotContains(t, badToken.Body, key.Token, "the token is not echoed")
			}

			stale := Send(t, client, build(key, now().Add(-20*time.Minute), Nonce()))
			assert.Equal(t, "InvalidTimeStamp.Expired", stale.Code, "a time outside the window is refused")
		})
	}
}

// uses reports whether a query or header value holds the placeholder.
func (s Shape) uses(placeholder string) bool {
	for _, kv := range append(append([][2]string{}, s.Query...), s.Headers...) {
		if strings.Contains(kv[1], placeholder) {
			return true
		}
	}
	return false
}
