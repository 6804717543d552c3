// Package retry is the retry policy of the kms and sae clients. Before each
// attempt of a call a client asks its [Retryer] how long to wait
// ([Retryer.Delay]), sleeps that ([Retryer.Sleep]) and reports the outcome
// ([Retryer.Record]). [Standard], the default policy:
//
//   - sorts failures with [Classify]: [Fatal] ends the call, [Failed] is
//     retried up to MaxAttempts attempts per call, [Throttled] while the
//     caller's deadline allows (without one, up to MaxThrottleWait of waits);
//   - waits a full-jitter draw from [0, min(cap, base·2^(n-1))): base
//     [FailureBackoff] and n the call's failures, or base [ThrottleBackoff],
//     cap [ThrottleMaxBackoff] and n the client's recent throttled answers;
//     a wait the service asked for is the least, MaxBackoff the most;
//   - paces a client whose last [PaceAfter] outcomes were Failed: every
//     attempt, first ones included, takes the next slot of one per
//     [PaceInterval] until any other outcome ends the pacing and wakes the
//     waiting attempts. One fault among many successes paces nobody.
//
// No wait passes the caller's deadline: the call ends at once with its last
// failure (a call not yet sent: with an error wrapping the client's last
// failure). MaxAttempts 1 turns the policy off: one attempt, never paced.
package retry

import (
	"context"
	"time"
)

// Retryer decides whether and when a call makes its next attempt. One
// Retryer serves every call of a client, concurrently.
type Retryer interface {
	// Delay is called before every attempt: how long to wait before attempt
	// a.Number (zero: at once), or the error to end the call with (a.Err, or
	// an error wrapping it, after a failed attempt).
	Delay(ctx context.Context, a Attempt) (time.Duration, error)
	// Record reports an attempt's outcome: nil for a success answer, else
	// the failure (an *signer.APIError for an error answer).
	Record(err error)
	// Sleep waits d or until ctx ends, and reports false when ctx ended it.
	Sleep(ctx context.Context, d time.Duration) bool
}

// Attempt is the state of a call when its next attempt is considered.
type Attempt struct {
	Number    int           // the attempt about to be made, 1-based
	Err       error         // the previous attempt's failure; nil before the first
	Failures  int           // the call's failed attempts that were not throttled
	Throttles int           // the call's throttled attempts
	Waited    time.Duration // the total the call has slept so far
}
