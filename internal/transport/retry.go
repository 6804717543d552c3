package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/alisecret/alisecret-go/signer"
)

// Backoff bases: full jitter draws a sleep from [0, min(cap, base*2^n)).
const (
	baseBackoff      = 100 * time.Millisecond
	throttledBackoff = 500 * time.Millisecond
)

// retryableAPIError reports whether an error answer is worth another
// attempt, and the backoff base for it. Throttling, transient service
// failures and 5xx answers are; a credential, signature, not-found,
// permission or parameter error never is, whatever its status.
func retryableAPIError(e *signer.APIError) (bool, time.Duration) {
	switch e.Class() {
	case signer.ErrThrottled:
		return true, throttledBackoff
	case signer.ErrServiceUnavailable:
		return true, baseBackoff
	case signer.ErrInvalidCredentials, signer.ErrNotFound, signer.ErrAccessDenied, signer.ErrInvalidParameter, signer.ErrClockSkew, signer.ErrDryRun:
		return false, 0
	}
	return e.StatusCode >= 500, baseBackoff
}

// retryableTransportError reports whether a failure to get any answer is
// worth another attempt: connection errors and per-attempt timeouts are; a
// certificate the client does not trust is not.
func retryableTransportError(err error) bool {
	var unknownAuth x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	return !errors.As(err, &unknownAuth) && !errors.As(err, &hostname) && !errors.As(err, &invalid) && !errors.As(err, &verify)
}

// backoff draws a full-jitter delay for the retry after attempt n (1-based).
func backoff(n int, base, maxDelay time.Duration) time.Duration {
	ceiling := maxDelay
	if n < 30 { // beyond that the shift overflows and the cap applies anyway
		if d := base << (n - 1); d > 0 && d < ceiling {
			ceiling = d
		}
	}
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling)
}

// sleep waits d or until ctx ends, whichever is first, and reports whether
// the full delay passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
