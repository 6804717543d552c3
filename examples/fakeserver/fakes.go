package main

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// Fakes is the fake KMS and SAE, seeded, and their control API, as one
// http.Handler: the control API under /_fake/, SAE under /pop/, KMS for
// everything else.
type Fakes struct {
	KMS *kmstest.Handler
	SAE *saetest.Handler

	seed    *Seed
	token   string // the control API's bearer token; empty: none asked
	control *http.ServeMux

	// mu serialises the control requests, and guards faults: the faults
	// queued by POST /_fake/faults, handed to whichever fake the next API
	// requests go to.
	mu     sync.Mutex
	faults []kmstest.Fault
}

// NewFakes builds the fakes with the seed's access keys and secrets. With
// a token, a control request must carry "Authorization: Bearer <token>".
func NewFakes(seed *Seed, token string) (*Fakes, error) {
	var kmsOpts []kmstest.Option
	var saeOpts []saetest.Option
	for _, k := range seed.AccessKeys {
		if k.SecurityToken != "" {
			kmsOpts = append(kmsOpts, kmstest.WithSTS(k.ID, k.Secret, k.SecurityToken))
			saeOpts = append(saeOpts, saetest.WithSTS(k.ID, k.Secret, k.SecurityToken))
		} else {
			kmsOpts = append(kmsOpts, kmstest.WithAccessKey(k.ID, k.Secret))
			saeOpts = append(saeOpts, saetest.WithAccessKey(k.ID, k.Secret))
		}
	}
	f := &Fakes{KMS: kmstest.NewHandler(kmsOpts...), SAE: saetest.NewHandler(saeOpts...), seed: seed, token: token}
	if err := f.load(); err != nil {
		return nil, err
	}
	f.control = f.controlMux()
	return f, nil
}

// load puts the seed's secrets.
func (f *Fakes) load() error {
	for i, s := range f.seed.KMS {
		if err := f.KMS.PutSecret(s); err != nil {
			return fmt.Errorf("kms[%d] (%s): %w", i, s.Name, err)
		}
	}
	for i, s := range f.seed.SAE {
		if _, err := f.SAE.PutSecret(s); err != nil {
			return fmt.Errorf("sae[%d] (%s): %w", i, s.SecretName, err)
		}
	}
	return nil
}

// ServeHTTP routes the control API (/_fake/...), SAE's ROA paths
// (/pop/...) and KMS (the rest).
func (f *Fakes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case p == "/_fake" || strings.HasPrefix(p, "/_fake/"):
		f.serveControl(w, r)
	case strings.HasPrefix(p, "/pop/"):
		f.serveAPI(w, r, f.SAE, f.SAE.FailNext)
	default:
		f.serveAPI(w, r, f.KMS, f.KMS.FailNext)
	}
}

// serveAPI hands the next queued fault, if any, to the fake h before it
// serves the request, so that the next API requests fail whichever
// service they are for.
func (f *Fakes) serveAPI(w http.ResponseWriter, r *http.Request, h http.Handler, failNext func(...kmstest.Fault)) {
	f.mu.Lock()
	if len(f.faults) > 0 {
		failNext(f.faults[0])
		f.faults = f.faults[1:]
	}
	f.mu.Unlock()
	h.ServeHTTP(w, r)
}

func (f *Fakes) serveControl(w http.ResponseWriter, r *http.Request) {
	if f.token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(f.token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fakeserver control"`)
			writeJSON(w, http.StatusUnauthorized, errorBody("this server was started with -control-token: send Authorization: Bearer <token>"))
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxControlBody)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.control.ServeHTTP(w, r)
}
