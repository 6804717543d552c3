package retry

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"time"

	"github.com/alisecret/alisecret-go/signer"
)

// Kind is how the default policy sees a failure.
type Kind int

// The kinds of failure.
const (
	// Fatal is never retried: a credential, signature, not-found,
	// permission or parameter error, an untrusted certificate, any 4xx
	// without a class.
	Fatal Kind = iota
	// Throttled: the service shed load ([signer.ErrThrottled]).
	Throttled
	// Failed is transient: a 5xx, [signer.ErrServiceUnavailable], a
	// connection error or a per-attempt timeout.
	Failed
)

// Classify returns the Kind of an attempt's failure and the wait the
// service asked for (signer.APIError.RetryAfter), if any.
func Classify(err error) (Kind, time.Duration) {
	var e *signer.APIError
	if !errors.As(err, &e) {
		if untrusted(err) {
			return Fatal, 0
		}
		return Failed, 0
	}
	switch e.Class() {
	case signer.ErrThrottled:
		return Throttled, e.RetryAfter
	case signer.ErrServiceUnavailable:
		return Failed, 0
	case nil:
		if e.StatusCode >= 500 {
			return Failed, 0
		}
	}
	return Fatal, 0
}

// untrusted reports a TLS failure no retry can mend.
func untrusted(err error) bool {
	var unknownAuth x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	return errors.As(err, &unknownAuth) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify)
}
