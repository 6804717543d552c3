package transport

import (
	"context"
	"time"
)

// Observer is told what the calls of a client do: when each call starts
// and ends, and how each attempt went. kms.Observer and sae.Observer are
// this type. Nothing secret reaches it: no secret value, access key
// secret, security token or signature (errors are scrubbed as every
// error of the clients is). A nil Observer costs nothing.
//
// The methods are called on the caller's goroutine, one call's events in
// order, and may be called concurrently for different calls: an
// implementation must be safe for concurrent use and quick.
type Observer interface {
	// StartCall is called once per call, before its first attempt. It
	// returns the context the call goes on with, which ObserveAttempt and
	// EndCall receive: ctx itself, or a context carrying what the
	// observer needs later (a tracer's span).
	StartCall(ctx context.Context, c CallInfo) context.Context
	// ObserveAttempt is called after every attempt, once the client has
	// decided whether another one follows (AttemptInfo.Delay).
	ObserveAttempt(ctx context.Context, a AttemptInfo)
	// EndCall is called once per call when it ends, with its error (nil
	// on success).
	EndCall(ctx context.Context, c CallInfo, err error)
}

// CallInfo names a call: the service ("kms" or "sae") and the API
// operation ("GetSecretValue").
type CallInfo struct {
	Service   string
	Operation string
}

// AttemptInfo is what an Observer is told after one attempt.
type AttemptInfo struct {
	Service    string // "kms" or "sae"
	Operation  string // e.g. "GetSecretValue"
	Attempt    int    // 1 for the first attempt of the call
	StatusCode int    // HTTP status; 0 when no answer came (a connection error)
	Code       string // the service's error code; "" on success or without an answer
	RequestID  string // the request id of the answer, if any
	// Latency is the attempt's time from sending the request to having
	// read the whole answer (or failing to).
	Latency time.Duration
	// Err is the attempt's failure, nil on success: an *signer.APIError
	// for an error answer, otherwise the transport error.
	Err error
	// Delay is the wait before the next attempt; zero when none follows
	// (or one follows at once, as after a clock-skew correction).
	Delay time.Duration
}
