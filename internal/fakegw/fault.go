package fakegw

import "time"

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
