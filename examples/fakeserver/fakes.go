package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// Fakes is the fake KMS and SAE, seeded, as one http.Handler: SAE for
// paths under /pop/, KMS for everything else.
type Fakes struct {
	KMS *kmstest.Server
	SAE *saetest.Server

	kms, sae http.Handler
}

// Start starts the fakes with the seed's access keys and secrets. Close
// them when done.
func Start(seed *Seed) (*Fakes, error) {
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
	f := &Fakes{KMS: kmstest.NewServer(kmsOpts...), SAE: saetest.NewServer(saeOpts...)}
	for i, s := range seed.KMS {
		if err := f.KMS.PutSecret(s); err != nil {
			f.Close()
			return nil, fmt.Errorf("kms[%d] (%s): %w", i, s.Name, err)
		}
	}
	for i, s := range seed.SAE {
		if _, err := f.SAE.PutSecret(s); err != nil {
			f.Close()
			return nil, fmt.Errorf("sae[%d] (%s): %w", i, s.SecretName, err)
		}
	}
	var okK, okS bool
	f.kms, okK = fakegw.HandlerAt(f.KMS.URL)
	f.sae, okS = fakegw.HandlerAt(f.SAE.URL)
	if !okK || !okS {
		f.Close()
		return nil, errors.New("the fakes' handlers are not registered")
	}
	return f, nil
}

// ServeHTTP routes SAE's ROA paths (/pop/...) to the fake SAE and the rest
// to the fake KMS.
func (f *Fakes) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/pop/") {
		f.sae.ServeHTTP(w, r)
		return
	}
	f.kms.ServeHTTP(w, r)
}

// Close stops the fakes.
func (f *Fakes) Close() {
	f.KMS.Close()
	f.SAE.Close()
}
