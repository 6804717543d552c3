package transport

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The debug line of an attempt names the error code and the request id of
// the error document when there is one, and the header's request id when
// the answer is a success.
func TestDebugLogNamesCodeAndRequestID(t *testing.T) {
	s := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Acs-Request-Id", "H-"+string(rune('0'+n)))
		if n == 1 {
			writeJSON(w, 503, `{"Code":"ServiceUnavailable","Message":"m","RequestId":"B-1"}`)
			return
		}
		writeJSON(w, 200, `{"SecretName":"db"}`)
	})
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := newTestClient(t, kmsService, s.URL, func(o *Options) { o.Logger = logger })
	_, err := c.Do(bg(), getSecretRequest())
	require.NoError(t, err)

	type line struct {
		Msg       string `json:"msg"`
		Attempt   int    `json:"attempt"`
		Status    int    `json:"status"`
		Code      string `json:"code"`
		RequestID string `json:"request_id"`
		Service   string `json:"service"`
		Operation string `json:"operation"`
	}
	var got []line
	dec := json.NewDecoder(&logs)
	for dec.More() {
		var l line
		require.NoError(t, dec.Decode(&l))
		if l.Msg == "alisecret: attempt" {
			got = append(got, l)
		}
	}
	assert.Equal(t, []line{
		{Msg: "alisecret: attempt", Attempt: 1, Status: 503, Code: "ServiceUnavailable", RequestID: "B-1", Service: "kms", Operation: "GetSecretValue"},
		{Msg: "alisecret: attempt", Attempt: 2, Status: 200, Code: "", RequestID: "H-2", Service: "kms", Operation: "GetSecretValue"},
	}, got)
}

// signatureFromAuthorization takes the signature from either layout, also
// when the marker opens the value.
func TestSignatureFromAuthorization(t *testing.T) {
	cases := []struct{ in, want string }{
		{"acs LTAIid:c2lnbmF0dXJl", "c2lnbmF0dXJl"},
		{"ACS3-HMAC-SHA256 Credential=LTAIid,SignedHeaders=host,Signature=abcdef0123", "abcdef0123"},
		{"Signature=abcdef", "abcdef"},
		{":sig", "sig"},
		{"no marker", ""},
		{"", ""},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, signatureFromAuthorization(tc.in))
		})
	}
}

// signatureOf reads the RPC Signature parameter (unescaped) wherever it
// sits in the query, and falls back to the Authorization header.
func TestSignatureOf(t *testing.T) {
	cases := []struct{ name, query, auth, want string }{
		{"rpc, last parameter", "Action=GetSecretValue&Signature=a%2Bb%2F%3D", "", "a+b/="},
		{"rpc, marker first", "&Signature=abcdef", "", "abcdef"},
		{"roa v1", "SecretId=16", "acs LTAIid:c2lnbmF0dXJl", "c2lnbmF0dXJl"},
		{"nothing", "Action=x", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("GET", "http://127.0.0.1/?"+tc.query, nil)
			require.NoError(t, err)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			assert.Equal(t, tc.want, signatureOf(req))
		})
	}
}
