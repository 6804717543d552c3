package fakegw

import (
	"net/http"
	"strings"
	"time"
)

// LogSize is how many requests the request log keeps: the latest ones.
const LogSize = 10000

// maxLoggedAction bounds an action name in the log; real ones are short,
// and a request may send any text.
const maxLoggedAction = 64

// LoggedRequest is one request as the request log keeps it: never a
// parameter, a value or a signature.
type LoggedRequest struct {
	Time   time.Time `json:"time"`   // arrival, on the gateway's clock
	Action string    `json:"action"` // e.g. "GetSecretValue"; empty when the request names none
	Style  string    `json:"style"`  // "RPC" (KMS) or "ROA" (SAE)
	Status int       `json:"status"` // HTTP status answered; 0: the connection was dropped
	Code   string    `json:"code"`   // error code answered; empty on success
}

// recorder notes the status and error code of an answer for the log.
type recorder struct {
	http.ResponseWriter
	status int
	code   string
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Hijack, Flush).
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

func (g *Gateway) record(at time.Time, r *http.Request, rec *recorder) {
	action := ""
	if g.Action != nil {
		action = g.Action(r)
	}
	// A copy: the action may be a slice of the whole request line, which
	// the log would otherwise keep alive.
	action = strings.Clone(action[:min(len(action), maxLoggedAction)])
	e := LoggedRequest{Time: at, Action: action, Style: g.Style, Status: rec.status, Code: rec.code}
	g.mu.Lock()
	defer g.mu.Unlock()
	// Past twice the size, the older half goes: the log stays bounded and
	// an append stays cheap.
	if len(g.log) >= 2*LogSize {
		g.log = append(g.log[:0], g.log[len(g.log)-LogSize:]...)
	}
	g.log = append(g.log, e)
}

// Log returns the latest LogSize requests, oldest first.
func (g *Gateway) Log() []LoggedRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]LoggedRequest(nil), g.log[max(0, len(g.log)-LogSize):]...)
}
