package fakegw

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault scripts the answer to one request. kmstest.Fault and saetest.Fault
// are aliases of it. Delay waits first (ending early if the client gives
// up). Date sets the answer's Date header. Then:
//   - Reset alone drops the connection before any byte of the answer;
//   - Body (or BodySize bytes of "x") with ContentType and Status (default
//     200) is sent raw; with Reset too, the headers promise the whole body,
//     ResetAfter bytes of it are sent and the connection is dropped;
//   - Code and Message (Status default 500) are sent as the service's error
//     body (Gateway.WriteFault);
//   - with none of those, the normal answer follows (so a Fault with only
//     Delay or Date changes just that).
type Fault struct {
	Status      int           // HTTP status; 0: 200 for a raw Body, 500 for a Code
	Code        string        // error code, e.g. "Throttling"
	Message     string        // error message sent with Code
	Body        string        // raw body, sent as is
	ContentType string        // Content-Type of the raw body
	BodySize    int           // when > 0, the raw body is this many bytes of "x"
	Delay       time.Duration // wait before answering; 0: none
	Reset       bool          // drop the connection (see above)
	ResetAfter  int           // bytes of the raw body sent before the reset
	Date        time.Time     // Date header of the answer; zero: the gateway's clock
}

// apply carries out f, reporting whether the request has been answered.
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
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
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
			_ = http.NewResponseController(w).Flush()
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
