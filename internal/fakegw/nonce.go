package fakegw

import (
	"cmp"
	"crypto/sha256"
	"net/http"
	"strconv"
	"time"
)

// MaxNonceLength is the longest nonce accepted, in bytes. The SDKs send 32
// hex digits or a 36-character UUID.
const MaxNonceLength = 64

// maxNonces bounds the nonces remembered at once. Over it, a request with
// a nonce is throttled until older nonces leave the window: more than a
// gateway's quota lets through in a window, and what keeps the memory of a
// flood flat (about 50 bytes a nonce).
const maxNonces = 1 << 19

// Nonce bookkeeping: past nonceSweepAt remembered nonces, the ones out of
// the window are forgotten, at most once per nonceSweepEvery. A sweep on
// every request would make each request scan the whole set.
const (
	nonceSweepAt    = 4096
	nonceSweepEvery = time.Minute
)

// nonceKey is the first half of a nonce's SHA-256: a fixed size whatever
// the nonce, and no collision among the nonces of any window.
type nonceKey [16]byte

// nonceSet remembers each nonce until its request's time leaves the
// window, when a replay would be refused for its time anyway.
type nonceSet struct {
	until map[nonceKey]int64 // unix seconds after which the nonce may be forgotten
	swept time.Time
	max   int // 0: maxNonces (tests set it lower)

	sweeps int // for tests
}

var (
	errExpired      = &Error{400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."}
	errNonceUsed    = &Error{400, "SignatureNonceUsed", "Specified signature nonce was used already."}
	errNonceTooLong = &Error{400, "InvalidParameter", "The specified parameter SignatureNonce is not valid: at most " + strconv.Itoa(MaxNonceLength) + " characters."}
	errNoncesFull   = &Error{http.StatusTooManyRequests, "Rejected.Throttling", "Request was denied due to request throttling."}
)

// Admit checks the time window and records the nonce, which is required.
func (g *Gateway) Admit(ts time.Time, nonce string) *Error {
	if nonce == "" {
		return Missing("SignatureNonce")
	}
	return g.admit(ts, nonce)
}

// AdmitOptionalNonce is Admit for a request whose nonce may be absent, as
// the real gateway accepts ROA requests without x-acs-signature-nonce (the
// classic alibaba-cloud-sdk-go and the aliyun CLI send none): the time
// window alone then limits replay. A nonce that is sent is still recorded
// and checked.
func (g *Gateway) AdmitOptionalNonce(ts time.Time, nonce string) *Error {
	return g.admit(ts, nonce)
}

func (g *Gateway) admit(ts time.Time, nonce string) *Error {
	now := g.Now()
	if ts.Sub(now).Abs() > Window {
		return errExpired
	}
	if nonce == "" {
		return nil
	}
	if len(nonce) > MaxNonceLength {
		return errNonceTooLong
	}
	sum := sha256.Sum256([]byte(nonce))
	key := nonceKey(sum[:16])
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.nonces.add(key, ts.Add(Window).Unix(), now)
}

func (n *nonceSet) add(key nonceKey, until int64, now time.Time) *Error {
	if n.until == nil {
		n.until = map[nonceKey]int64{}
	}
	if _, used := n.until[key]; used {
		return errNonceUsed
	}
	if len(n.until) > nonceSweepAt && now.Sub(n.swept) >= nonceSweepEvery {
		for k, u := range n.until {
			if now.Unix() > u {
				delete(n.until, k)
			}
		}
		n.swept = now
		n.sweeps++
	}
	if len(n.until) >= cmp.Or(n.max, maxNonces) {
		return errNoncesFull
	}
	n.until[key] = until
	return nil
}
