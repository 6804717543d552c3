// Package fakegw is the part of an Alibaba Cloud API gateway that the
// kmstest and saetest fakes share: access keys, the 15-minute time window,
// the nonce set, ACS3 signature verification, scripted faults, the rate
// limit, the request log, request ids and the gateway's error body.
package fakegw

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Window is how far a request's time may be from the gateway's clock.
const Window = 15 * time.Minute

// MaxBody is the largest request body a gateway reads, in bytes: the
// requests these fakes serve carry their parameters in the query or in a
// small form.
const MaxBody = 64 << 10

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

// errTooLarge answers a body over MaxBody.
var errTooLarge = &Error{http.StatusRequestEntityTooLarge, "InvalidParameter", fmt.Sprintf("The request body is larger than %d bytes.", MaxBody)}

// Gateway holds the shared state. Its methods are safe for concurrent use;
// its fields are set before the first request and not changed after.
type Gateway struct {
	Product string // in Recommend URLs, e.g. "Kms"
	Style   string // the API style, "RPC" or "ROA", in the request log
	Keys    []Key
	Now     func() time.Time

	// WriteFault writes a scripted Code/Message fault; nil means the
	// gateway's own error shape (WriteError).
	WriteFault func(w http.ResponseWriter, r *http.Request, status int, code, message string)

	// Action names the operation of a request for the request log, even of
	// one that is faulted or throttled before it is verified.
	Action func(r *http.Request) string

	requests  atomic.Int64
	throttled atomic.Int64
	ids       atomic.Int64

	mu     sync.Mutex
	limit  *RateLimit
	faults []Fault
	log    []LoggedRequest
	nonces nonceSet
}

// Requests returns how many requests arrived.
func (g *Gateway) Requests() int { return int(g.requests.Load()) }

// FailNext queues faults for the next requests.
func (g *Gateway) FailNext(faults ...Fault) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, faults...)
}

// SetLimit sheds the requests over l from now on; nil removes the limit.
func (g *Gateway) SetLimit(l *RateLimit) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit = l
}

// Throttled returns how many requests the rate limit shed.
func (g *Gateway) Throttled() int { return int(g.throttled.Load()) }

// Reset forgets the queued faults, the request log and the counts, and
// sets the rate limit to l (nil: none). The nonces seen are kept, so that
// a request from before the reset cannot be replayed after it.
func (g *Gateway) Reset(l *RateLimit) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.limit, g.faults, g.log = l, nil, nil
	g.requests.Store(0)
	g.throttled.Store(0)
}

// Serve answers one request: it counts it, sets the Date header from the
// gateway's clock, bounds its body to MaxBody, sheds it over the rate
// limit or carries out the next scripted fault, and otherwise hands it to
// serve. Every request is logged, whatever became of it.
func (g *Gateway) Serve(w http.ResponseWriter, r *http.Request, serve http.HandlerFunc) {
	now := g.Now()
	g.requests.Add(1)
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	rec := &recorder{ResponseWriter: w}
	defer g.record(now, r, rec)
	rec.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	g.mu.Lock()
	limit := g.limit
	g.mu.Unlock()
	if limit != nil && !limit.allow(now) {
		g.throttled.Add(1)
		g.shed(rec, r, limit)
		return
	}
	if f, ok := g.nextFault(); ok && g.apply(rec, r, f) {
		return
	}
	serve(rec, r)
}

func (g *Gateway) nextFault() (Fault, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.faults) == 0 {
		return Fault{}, false
	}
	f := g.faults[0]
	g.faults = g.faults[1:]
	return f, true
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

// ParseError is the answer for a request whose body or query could not
// be read: a body over MaxBody, one cut short, a malformed form.
func ParseError(err error) *Error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return errTooLarge
	}
	return &Error{400, "InvalidParameter", "The request could not be parsed."}
}

// RequestID returns a fresh UUID-shaped request id.
func (g *Gateway) RequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%08X-%04X-4%03X-%04X-%012X", g.ids.Add(1), uint16(b[0])<<8|uint16(b[1]),
		(uint16(b[2])<<8|uint16(b[3]))&0xfff, uint16(b[4])<<8|uint16(b[5]), uint64(b[6])<<8|uint64(b[7]))
}

// WriteJSON answers with body, setting its RequestId (a fresh one unless
// body carries one already) and the x-acs-request-id header. The error
// code it carries (ErrorCode, or Code of an answer that is not 2xx) goes
// to the request log.
func (g *Gateway) WriteJSON(w http.ResponseWriter, status int, body map[string]any) {
	id, _ := body["RequestId"].(string)
	if id == "" {
		id = g.RequestID()
	}
	body["RequestId"] = id
	if rec, ok := w.(*recorder); ok {
		rec.code, _ = body["ErrorCode"].(string)
		if c, _ := body["Code"].(string); rec.code == "" && (status < 200 || status > 299) {
			rec.code = c
		}
	}
	b, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("x-acs-request-id", id)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError answers in the POP gateway's error shape: HostId, Code,
// Message, Recommend and RequestId.
func (g *Gateway) WriteError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	g.WriteJSON(w, status, map[string]any{
		"HostId":    r.Host,
		"Code":      code,
		"Message":   message,
		"Recommend": "https://api.aliyun.com/troubleshoot?q=" + code + "&product=" + g.Product,
	})
}
