package transport

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/alisecret/alisecret-go/signer"
)

// credGuard stands between a client and its CredentialsProvider, whose
// credentials-go implementations take no context and hold no lock around a
// refresh. It runs one retrieval at a time, on a goroutine of its own, and
// shares the result with every caller waiting; a caller whose context ends
// (or who has waited AttemptTimeout) leaves at once. Callers arriving
// during a retrieval get the previous result if younger than credFresh, so
// a refresh does not gather every concurrent call into one burst.
type credGuard struct {
	provider signer.CredentialsProvider // nil: credentials-go's default chain
	static   *signer.Credentials        // a valid StaticCredentialsProvider's, read once
	timeout  time.Duration              // bound on one wait; 0: none

	mu       sync.Mutex
	inflight *credCall
	last     signer.Credentials // the latest good result
	lastAt   time.Time
	chain    signer.CredentialsProvider // the default chain; only the running retrieval uses it
}

type credCall struct {
	done chan struct{}
	c    signer.Credentials
	err  error
}

// credFresh is how long a good result serves callers arriving during the
// next retrieval; providers refresh minutes before expiry, so it is valid.
const credFresh = 5 * time.Second

func newCredGuard(p signer.CredentialsProvider, timeout time.Duration) *credGuard {
	g := &credGuard{provider: p, timeout: timeout}
	if s, ok := p.(*signer.StaticCredentialsProvider); ok && s != nil {
		if m, err := s.GetCredential(); err == nil {
			if c, err := signer.FromModel(m); err == nil {
				g.static = &c
			}
		}
	}
	return g
}

func (g *credGuard) get(ctx context.Context) (signer.Credentials, error) {
	if g.static != nil {
		return *g.static, nil
	}
	g.mu.Lock()
	call := g.inflight
	switch {
	case call == nil:
		call = &credCall{done: make(chan struct{})}
		g.inflight = call
		go g.retrieve(call)
	case !g.lastAt.IsZero() && time.Since(g.lastAt) < credFresh:
		c := g.last
		g.mu.Unlock()
		return c, nil
	}
	g.mu.Unlock()
	var expired <-chan time.Time
	if g.timeout > 0 {
		t := time.NewTimer(g.timeout)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-call.done:
		return call.c, call.err
	case <-ctx.Done():
		return signer.Credentials{}, ctx.Err()
	case <-expired:
		return signer.Credentials{}, fmt.Errorf("%w: the credentials provider did not answer within %v (AttemptTimeout)", signer.ErrInvalidCredentials, g.timeout)
	}
}

func (g *credGuard) retrieve(call *credCall) {
	defer func() {
		if recover() != nil {
			// The panic value is not quoted: it may hold credential material.
			call.c, call.err = signer.Credentials{}, fmt.Errorf("%w: the credentials provider panicked", signer.ErrInvalidCredentials)
		}
		g.mu.Lock()
		g.inflight = nil
		if call.err == nil {
			g.last, g.lastAt = call.c, time.Now()
		}
		g.mu.Unlock()
		close(call.done)
	}()
	p := g.provider
	if p == nil {
		if g.chain == nil {
			chain, err := credentials.NewCredential(nil)
			if err != nil {
				call.err = &noCredentialsError{err}
				return
			}
			g.chain = chain
		}
		p = g.chain
	}
	m, err := p.GetCredential()
	switch {
	case err != nil && g.provider == nil:
		// Built anew next time: a failed chain only asks the provider it tried last.
		g.chain = nil
		call.err = &noCredentialsError{err}
	case err != nil:
		call.err = fmt.Errorf("getting credentials: %w", err)
	default:
		call.c, call.err = signer.FromModel(m)
	}
}

// noCredentialsError is a default chain's finding nothing. Its text says
// where the chain looks; credentials-go's (every provider's failure) is
// out of the message but reachable through errors.Unwrap.
type noCredentialsError struct{ cause error }

func (e *noCredentialsError) Error() string {
	return signer.ErrNoCredentials.Error() + ": the default chain found none (it reads the environment variables " +
		"ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, OIDC/RRSA variables, the aliyun CLI profile " +
		"~/.aliyun/config.json, the credentials file ~/.alibabacloud/credentials, the ECS RAM role from instance metadata " +
		"unless ALIBABA_CLOUD_ECS_METADATA_DISABLED=true, and ALIBABA_CLOUD_CREDENTIALS_URI); configure one of them or set Options.Credentials"
}

func (e *noCredentialsError) Unwrap() []error { return []error{signer.ErrNoCredentials, e.cause} }
