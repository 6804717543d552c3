// Package fakegw is the part of an Alibaba Cloud API gateway that the
// kmstest and saetest fakes share: access keys, the 15-minute time window,
// the nonce set, ACS3 signature verification, scripted faults, request ids
// and the gateway's error body.
package fakegw

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Window is how far a request's time may be from the gateway's clock.
const Window = 15 * time.Minute

// Key is an access key the gateway accepts; Token is set for STS.
type Key struct{ ID, Secret, Token string }

// Error is an error answer: HTTP status, code and message.
type Error struct {
	Status        int
	Code, Message string
}

// Missing is the answer for an absent mandatory parameter.
func Missing(name string) *Error {
	return &Error{400, "MissingParameter", `The input parameter "` + name + `" that is mandatory for processing this request is not supplied.`}
}

// Gateway holds the shared state. Its methods are safe for concurrent use.
type Gateway struct {
	Product string // in Recommend URLs, e.g. "Kms"
	Keys    []Key
	Now     func() time.Time

	// WriteFault writes a scripted Code/Message fault; nil means the
	// gateway's own error shape (WriteError).
	WriteFault func(w http.ResponseWriter, r *http.Request, status int, code, message string)

	// Limit, when set, sheds the requests above its rate (see RateLimit).
	Limit *RateLimit

	requests atomic.Int64
	ids      atomic.Int64

	mu     sync.Mutex
	nonces map[string]time.Time
	swept  time.Time // the last sweep of nonces out of the window
	sweeps int       // for tests
	faults []Fault
}

// Nonce bookkeeping: past nonceSweepAt remembered nonces, the ones out of
// the window are forgotten, at most once per nonceSweepEvery. A sweep on
// every request would make each request scan the whole set, which grows
// with the traffic of one window (a benchmark of 10,000 calls).
const (
	nonceSweepAt    = 4096
	nonceSweepEvery = time.Minute
)

// Requests returns how many requests arrived.
func (g *Gateway) Requests() int { return int(g.requests.Load()) }

// FailNext queues faults for the next requests.
func (g *Gateway) FailNext(faults ...Fault) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, faults...)
}

// Begin counts the request, sets the Date header from the gateway's clock
// and carries out the next scripted fault. It reports whether the request
// has been answered.
func (g *Gateway) Begin(w http.ResponseWriter, r *http.Request) bool {
	g.requests.Add(1)
	w.Header().Set("Date", g.Now().UTC().Format(http.TimeFormat))
	if g.Limit != nil && !g.Limit.allow(g.Now()) {
		g.shed(w, r)
		return true
	}
	g.mu.Lock()
	if len(g.faults) == 0 {
		g.mu.Unlock()
		return false
	}
	f := g.faults[0]
	g.faults = g.faults[1:]
	g.mu.Unlock()
	return g.apply(w, r, f)
}

func (g *Gateway) apply(w http.ResponseWriter, r *http.Request, f Fault) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if !f.Date.IsZero() {
		w.Header().Set("Date", f.Date.UTC().Format(http.TimeFormat))
	}
	if f.Reset && f.ResetAfter <= 0 { // before any byte of the answer
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // send RST, not FIN
			}
			_ = conn.Close()
		}
		return true
	}
	body := f.Body
	if f.BodySize > 0 {
		body = strings.Repeat("x", f.BodySize)
	}
	switch {
	case body != "" || f.ContentType != "":
		w.Header().Set("Content-Type", f.ContentType)
		if f.Reset { // promise the whole body, send part of it, drop the connection
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(orStatus(f.Status, http.StatusOK))
			_, _ = w.Write([]byte(body[:min(f.ResetAfter, len(body))]))
			if fl, ok := w.(http.Flusher); ok {
				fl.Flush()
			}
			panic(http.ErrAbortHandler) // net/http closes the connection quietly
		}
		w.WriteHeader(orStatus(f.Status, http.StatusOK))
		_, _ = w.Write([]byte(body))
		return true
	case f.Status != 0 || f.Code != "":
		write := g.WriteFault
		if write == nil {
			write = g.WriteError
		}
		write(w, r, orStatus(f.Status, http.StatusInternalServerError), f.Code, f.Message)
		return true
	}
	return false
}

func orStatus(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Lookup finds an access key.
func (g *Gateway) Lookup(id string) (Key, *Error) {
	for _, k := range g.Keys {
		if k.ID == id {
			return k, nil
		}
	}
	return Key{}, &Error{404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."}
}

// CheckToken insists on the key's STS token, and on none for a plain key.
func CheckToken(k Key, token string) *Error {
	if k.Token != token {
		return &Error{400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."}
	}
	return nil
}

// Admit checks the time window and records the nonce, which is required.
func (g *Gateway) Admit(ts time.Time, nonce string) *Error {
	if nonce == "" {
		return Missing("SignatureNonce")
	}
	return g.admit(ts, nonce)
}

// AdmitOptionalNonce is Admit for a request whose nonce may be absent, as
// the real gateway accepts ROA requests without x-acs-signature-nonce (the
// classic alibaba-cloud-sdk-go sends none): the time window alone then
// limits replay. A nonce that is sent is still recorded and checked.
func (g *Gateway) AdmitOptionalNonce(ts time.Time, nonce string) *Error {
	return g.admit(ts, nonce)
}

func (g *Gateway) admit(ts time.Time, nonce string) *Error {
	now := g.Now()
	if ts.Sub(now).Abs() > Window {
		return &Error{400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."}
	}
	if nonce == "" {
		return nil
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.nonces == nil {
		g.nonces = map[string]time.Time{}
	}
	if _, used := g.nonces[nonce]; used {
		return &Error{400, "SignatureNonceUsed", "Specified signature nonce was used already."}
	}
	if len(g.nonces) > nonceSweepAt && now.Sub(g.swept) >= nonceSweepEvery {
		for n, seen := range g.nonces {
			if now.Sub(seen) > Window {
				delete(g.nonces, n)
			}
		}
		g.swept = now
		g.sweeps++
	}
	g.nonces[nonce] = now
	return nil
}

// RequestID returns a fresh UUID-shaped request id.
func (g *Gateway) RequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%08X-%04X-4%03X-%04X-%012X", g.ids.Add(1), uint16(b[0])<<8|uint16(b[1]),
		(uint16(b[2])<<8|uint16(b[3]))&0xfff, uint16(b[4])<<8|uint16(b[5]), uint64(b[6])<<8|uint64(b[7]))
}

// WriteJSON answers with body, setting its RequestId (a fresh one unless
// body carries one already) and the x-acs-request-id header.
func (g *Gateway) WriteJSON(w http.ResponseWriter, status int, body map[string]any) {
	id, _ := body["RequestId"].(string)
	if id == "" {
		id = g.RequestID()
	}
	body["RequestId"] = id
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("x-acs-request-id", id)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError answers in the POP gateway's error shape (PROTOCOL.md §5.1).
func (g *Gateway) WriteError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	g.WriteJSON(w, status, map[string]any{
		"HostId":    r.Host,
		"Code":      code,
		"Message":   message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + code + "&product=" + g.Product,
	})
}
