package fakegw

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func code(e *Error) string {
	if e == nil {
		return ""
	}
	return e.Code
}

func TestAdmit(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := &Gateway{Now: func() time.Time { return now }}
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
		{"longest nonce", g.Admit(now, strings.Repeat("a", MaxNonceLength)), ""},
		{"longer nonce", g.Admit(now, strings.Repeat("b", MaxNonceLength+1)), "InvalidParameter"},
		{"optional: none", g.AdmitOptionalNonce(now, ""), ""},
		{"optional: none again", g.AdmitOptionalNonce(now, ""), ""},
		{"optional: none, stale", g.AdmitOptionalNonce(now.Add(-16*time.Minute), ""), "InvalidTimeStamp.Expired"},
		{"optional: a used nonce", g.AdmitOptionalNonce(now, "n1"), "SignatureNonceUsed"},
		{"optional: a fresh nonce", g.AdmitOptionalNonce(now, "n5"), ""},
		{"optional: that nonce again", g.AdmitOptionalNonce(now, "n5"), "SignatureNonceUsed"},
		{"optional: too long", g.AdmitOptionalNonce(now, strings.Repeat("c", 65<<10)), "InvalidParameter"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, code(tc.e), tc.name)
	}
	assert.Len(t, g.nonces.until, 4, "only the admitted nonces are kept")
}

// Many nonces within one window cost one sweep a minute, not one per
// request; a nonce is kept while its request's time is in the window, and
// forgotten at the first sweep after.
func TestNonceSweepIsAmortised(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := &Gateway{Now: func() time.Time { return now }}
	for i := range 3 * nonceSweepAt {
		require.Nil(t, g.Admit(now, fmt.Sprintf("a%d", i)))
	}
	assert.Equal(t, 1, g.nonces.sweeps, "one sweep for a minute of nonces, however many")
	assert.Equal(t, "SignatureNonceUsed", g.Admit(now, "a1").Code, "a nonce in the window is remembered past a sweep")

	now = now.Add(nonceSweepEvery - time.Nanosecond)
	require.Nil(t, g.Admit(now, "b"))
	require.Nil(t, g.Admit(now.Add(Window), "ahead")) // a request dated as far ahead as the window allows
	assert.Equal(t, 1, g.nonces.sweeps, "no second sweep within the minute")

	now = now.Add(Window + time.Second) // every "a" nonce's time is now out of the window
	require.Nil(t, g.Admit(now, "c"))
	assert.Equal(t, 2, g.nonces.sweeps)
	assert.Len(t, g.nonces.until, 2, `"ahead" and "c" are left`)
	assert.Equal(t, "SignatureNonceUsed", code(g.Admit(now.Add(Window-2*time.Second), "ahead")),
		"a nonce dated ahead is kept until its own time leaves the window")
}

// Past the cap, requests with a new nonce are throttled, and served again
// once older nonces have left the window.
func TestNonceSetIsBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := &Gateway{Now: func() time.Time { return now }}
	g.nonces.max = nonceSweepAt + 10
	for i := range g.nonces.max {
		require.Nil(t, g.Admit(now, fmt.Sprintf("a%d", i)))
	}
	e := g.Admit(now, "one too many")
	require.NotNil(t, e)
	assert.Equal(t, http.StatusTooManyRequests, e.Status)
	assert.Equal(t, "Rejected.Throttling", e.Code)
	assert.Nil(t, g.AdmitOptionalNonce(now, ""), "a request without a nonce costs no memory")
	assert.Len(t, g.nonces.until, g.nonces.max)
	now = now.Add(Window + nonceSweepEvery)
	assert.Nil(t, g.Admit(now, "one too many"))
	assert.Len(t, g.nonces.until, 1)
}

func serveOK(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) }

// The log keeps, for every request, its time, action, style, status and
// error code (faulted and throttled ones included), and only the latest
// LogSize requests.
func TestRequestLog(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g := &Gateway{Style: "RPC", Now: func() time.Time { return now }, Action: func(r *http.Request) string { return r.URL.Query().Get("Action") }}
	serve := func(action string, h http.HandlerFunc) {
		g.Serve(httptest.NewRecorder(), httptest.NewRequest("GET", "/?Action="+action, nil), h)
	}
	serve("GetSecretValue", serveOK)
	serve("DescribeSecret", func(w http.ResponseWriter, r *http.Request) {
		g.WriteError(w, r, 404, "Forbidden.ResourceNotFound", "Resource not found")
	})
	g.FailNext(Fault{Status: 503, Code: "ServiceUnavailable"})
	serve("ListSecrets", serveOK)
	g.SetLimit(&RateLimit{Rate: 1, Burst: 1})
	serve("GetSecretValue", serveOK)
	serve(strings.Repeat("x", 1000), serveOK)
	assert.Equal(t, []LoggedRequest{
		{Time: now, Action: "GetSecretValue", Style: "RPC", Status: 200},
		{Time: now, Action: "DescribeSecret", Style: "RPC", Status: 404, Code: "Forbidden.ResourceNotFound"},
		{Time: now, Action: "ListSecrets", Style: "RPC", Status: 503, Code: "ServiceUnavailable"},
		{Time: now, Action: "GetSecretValue", Style: "RPC", Status: 200},
		{Time: now, Action: strings.Repeat("x", maxLoggedAction), Style: "RPC", Status: 429, Code: "Rejected.Throttling"},
	}, g.Log())
	assert.Equal(t, 5, g.Requests())
	assert.Equal(t, 1, g.Throttled())

	g.Reset(nil)
	assert.Empty(t, g.Log())
	assert.Zero(t, g.Requests())
	assert.Zero(t, g.Throttled())
	for i := range 2*LogSize + 5 {
		serve(fmt.Sprint(i), serveOK)
	}
	log := g.Log()
	require.Len(t, log, LogSize)
	assert.Equal(t, fmt.Sprint(LogSize+5), log[0].Action, "the oldest kept")
	assert.Equal(t, fmt.Sprint(2*LogSize+4), log[LogSize-1].Action, "the latest")
	assert.LessOrEqual(t, cap(g.log), 4*LogSize, "bounded")
}

// A body over MaxBody is refused with 413, a shorter one read whole.
func TestBodyIsBounded(t *testing.T) {
	g := &Gateway{Now: time.Now}
	read := func(size int) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("x", size)))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		g.Serve(w, r, func(w http.ResponseWriter, r *http.Request) {
			if err := r.ParseForm(); err != nil {
				e := ParseError(err)
				g.WriteError(w, r, e.Status, e.Code, e.Message)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		return w
	}
	assert.Equal(t, http.StatusOK, read(MaxBody).Code)
	w := read(MaxBody + 1)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
	assert.Contains(t, w.Body.String(), `"Code":"InvalidParameter"`)
}
