package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

// floodNonces is how many distinct nonces the flood sends, and
// floodHeapBound how much the server's heap may grow for them: 16-byte
// digests in a map (about 36 bytes a nonce) and the request log's latest
// entries (measured: 5.3 MB in all). A log entry that kept its request
// line alive, or nonces kept whole, go over it.
const (
	floodNonces    = 100000
	floodHeapBound = 8 << 20
)

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// A flood of validly signed requests, each with a distinct nonce of the
// longest length accepted, leaves the server's heap within floodHeapBound.
func TestNonceFloodKeepsHeapBounded(t *testing.T) {
	seed, err := LoadSeed("testdata/seed.json")
	require.NoError(t, err)
	f, err := NewFakes(seed, "")
	require.NoError(t, err)
	q := url.Values{
		"Action": {"GetSecretValue"}, "Version": {"2016-01-20"}, "Format": {"JSON"}, "AccessKeyId": {seedKeyID},
		"SignatureMethod": {"HMAC-SHA1"}, "SignatureVersion": {"1.0"}, "SecretName": {"api-token"},
	}
	before := heapInUse()
	start := time.Now()
	for i := range floodNonces {
		q.Set("SignatureNonce", fmt.Sprintf("%064d", i))
		q.Set("Timestamp", time.Now().UTC().Format(signer.RPCTimestampLayout))
		q.Del("Signature")
		q.Set("Signature", signer.RPCSignature(signer.RPCStringToSign("GET", signer.CanonicalQuery(q)), seedKeySecret))
		w := httptest.NewRecorder()
		f.ServeHTTP(w, httptest.NewRequest("GET", "/?"+q.Encode(), nil))
		if w.Code != http.StatusOK {
			require.Equal(t, http.StatusOK, w.Code, "request %d: %s", i, w.Body)
		}
	}
	grown := int64(heapInUse()) - int64(before)
	t.Logf("%d distinct nonces in %v: heap grew %.1f MB (bound %.0f MB)", floodNonces, time.Since(start).Round(time.Millisecond), float64(grown)/(1<<20), float64(floodHeapBound)/(1<<20))
	assert.Less(t, grown, int64(floodHeapBound))
	runtime.KeepAlive(f)
}
