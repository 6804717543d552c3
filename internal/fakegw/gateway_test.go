package fakegw

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAdmit(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := &Gateway{Now: func() time.Time { return now }}
	code := func(e *Error) string {
		if e == nil {
			return ""
		}
		return e.Code
	}
	cases := []struct {
		name string
		e    *Error
		want string
	}{
		{"nonce required", g.Admit(now, ""), "MissingParameter"},
		{"fresh nonce", g.Admit(now, "n1"), ""},
		{"replayed nonce", g.Admit(now, "n1"), "SignatureNonceUsed"},
		{"stale", g.Admit(now.Add(-16*time.Minute), "n2"), "InvalidTimeStamp.Expired"},
		{"ahead", g.Admit(now.Add(16*time.Minute), "n3"), "InvalidTimeStamp.Expired"},
		{"edge of the window", g.Admit(now.Add(-Window), "n4"), ""},
		{"optional: none", g.AdmitOptionalNonce(now, ""), ""},
		{"optional: none again", g.AdmitOptionalNonce(now, ""), ""},
		{"optional: none, stale", g.AdmitOptionalNonce(now.Add(-16*time.Minute), ""), "InvalidTimeStamp.Expired"},
		{"optional: a used nonce", g.AdmitOptionalNonce(now, "n1"), "SignatureNonceUsed"},
		{"optional: a fresh nonce", g.AdmitOptionalNonce(now, "n5"), ""},
		{"optional: that nonce again", g.AdmitOptionalNonce(now, "n5"), "SignatureNonceUsed"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, code(tc.e), tc.name)
	}
}

func TestHandlerAt(t *testing.T) {
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	s := Start(h, false)
	got, ok := HandlerAt(s.URL)
	require.True(t, ok)
	require.NotNil(t, got)
	resp, err := s.HTTPClient().Get(s.URL)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	s.Close()
	_, ok = HandlerAt(s.URL)
	assert.False(t, ok, "forgotten on Close")
	_, ok = HandlerAt("http://127.0.0.1:1")
	assert.False(t, ok)
}

// Many nonces within one window cost one sweep a minute, not one per
// request; nonces still in the window are never forgotten, and the ones out
// of it are, at the next sweep.
func TestNonceSweepIsAmortised(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := &Gateway{Now: func() time.Time { return now }}
	for i := range 3 * nonceSweepAt {
		require.Nil(t, g.Admit(now, fmt.Sprintf("a%d", i)))
	}
	assert.Equal(t, 1, g.sweeps, "one sweep for a minute of nonces, however many")
	assert.Equal(t, "SignatureNonceUsed", g.Admit(now, "a1").Code, "a nonce in the window is remembered past a sweep")

	now = now.Add(nonceSweepEvery - time.Nanosecond)
	require.Nil(t, g.Admit(now, "b"))
	assert.Equal(t, 1, g.sweeps, "no second sweep within the minute")

	now = now.Add(Window) // every "a" nonce is now out of the window
	require.Nil(t, g.Admit(now, "c"))
	assert.Equal(t, 2, g.sweeps)
	assert.Len(t, g.nonces, 2, `only "b" and "c" are left`)
}
