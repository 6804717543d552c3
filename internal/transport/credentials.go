package transport

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/credentials-go/credentials"

	"github.com/alisecret/alisecret-go/signer"
)

// credGuard stands between the clients and a CredentialsProvider.
// credentials-go's providers take no context and hold no lock around their
// refresh, so the guard runs one GetCredential at a time, shares its result
// with every caller waiting meanwhile, and lets a caller whose context ends
// go at once while the provider is still blocked, or after timeout when its
// context has no earlier deadline (a hung provider must not hang a caller
// that set none).
//
// While a retrieval runs, callers are served the previous result if it is
// younger than credFresh instead of queueing behind it: otherwise every
// retrieval gathers the concurrent callers into one batch that hits the
// transport in the same instant, again and again.
type credGuard struct {
	provider signer.CredentialsProvider // nil: the default chain, built on first use
	static   *signer.Credentials        // a valid StaticCredentialsProvider's, read once
	timeout  time.Duration              // bound on one wait for the provider; 0: none
	now      func() time.Time

	waiters atomic.Int32 // callers waiting on a retrieval; for tests

	mu       sync.Mutex
	inflight *credCall
	last     signer.Credentials // the latest good result
	lastAt   time.Time

	chainMu sync.Mutex // only fetch takes it, so building the chain never blocks get
	chain   signer.CredentialsProvider
}

type credCall struct {
	done chan struct{}
	c    signer.Credentials
	err  error
}

// credFresh is how long a good result is served to callers arriving while
// the next retrieval runs. The providers refresh well before expiry (STS
// credentials live for an hour and are renewed minutes ahead), so a result
// this young is still valid.
const credFresh = 5 * time.Second

func newCredGuard(p signer.CredentialsProvider, timeout time.Duration) *credGuard {
	g := &credGuard{provider: p, timeout: timeout, now: time.Now}
	if s, ok := p.(*signer.StaticCredentialsProvider); ok && s != nil {
		if m, err := s.GetCredential(); err == nil {
			if c, err := signer.FromModel(m); err == nil {
				g.static = &c
			}
		}
	}
	return g
}

// provides reports whether the guard already serves p, so a per-call
// override naming the client's own provider shares its guard.
func (g *credGuard) provides(p signer.CredentialsProvider) bool {
	if g.provider == nil || p == nil {
		return g.provider == nil && p == nil
	}
	return sameProvider(g.provider, p)
}

// get returns credentials for one attempt, or the context's error when ctx
// ends first.
func (g *credGuard) get(ctx context.Context) (signer.Credentials, error) {
	if g.static != nil {
		return *g.static, nil
	}
	if err := ctx.Err(); err != nil {
		return signer.Credentials{}, err
	}
	g.mu.Lock()
	call := g.inflight
	if call == nil {
		call = &credCall{done: make(chan struct{})}
		g.inflight = call
		go g.fetch(call)
	} else if !g.lastAt.IsZero() && g.now().Sub(g.lastAt) < credFresh {
		c := g.last
		g.mu.Unlock()
		return c, nil
	}
	g.mu.Unlock()
	g.waiters.Add(1)
	defer g.waiters.Add(-1)
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

func (g *credGuard) fetch(call *credCall) {
	defer func() {
		if r := recover(); r != nil {
			// A provider's panic must not take down the caller's process;
			// its value is not quoted, as it may hold credential material.
			call.c, call.err = signer.Credentials{}, fmt.Errorf("%w: credentials provider panicked", signer.ErrInvalidCredentials)
		}
		g.mu.Lock()
		g.inflight = nil
		if call.err == nil {
			g.last, g.lastAt = call.c, g.now()
		}
		g.mu.Unlock()
		close(call.done)
	}()
	p := g.provider
	if p == nil {
		var err error
		if p, err = g.defaultChain(); err != nil {
			call.err = err
			return
		}
	}
	m, err := p.GetCredential()
	if err != nil {
		call.err = fmt.Errorf("getting credentials: %w", err)
		return
	}
	call.c, call.err = signer.FromModel(m)
}

// defaultChain builds credentials-go's default chain (environment, OIDC,
// CLI profile, credentials file, ECS RAM role, credentials URI) once. Only
// fetch calls it, one at a time.
func (g *credGuard) defaultChain() (signer.CredentialsProvider, error) {
	g.chainMu.Lock()
	defer g.chainMu.Unlock()
	if g.chain == nil {
		c, err := credentials.NewCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("building the default credentials chain: %w", err)
		}
		g.chain = c
	}
	return g.chain, nil
}
