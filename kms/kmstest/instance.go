package kmstest

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/internal/testca"
	"github.com/alisecret/alisecret-go/kms"
)

// Instance is a fake KMS instance gateway (KMS 3.0,
// kst-<id>.cryptoservice.kms.aliyuncs.com) in front of a Server's secrets.
// It serves HTTPS with a certificate from a private CA of its own, as a
// real instance does (CACertPEM hands that CA to the test), accepts the
// Server's access keys, and serves GetSecretValue only: every other
// operation is answered with HTTP 400 and code UnsupportedOperation, since
// management operations go to the shared gateway. Its methods are safe for
// concurrent use.
type Instance struct {
	// URL is the base URL, e.g. https://127.0.0.1:54321.
	URL string

	srv   *Server
	hs    *httptest.Server
	gw    *fakegw.Gateway
	caPEM []byte
}

// StartInstance starts an instance gateway serving s's secrets, with its
// own request count, scripted faults and nonce set, and a fresh CA. Its
// certificate names 127.0.0.1, ::1 and localhost. Close it when done; it
// panics only if the machine cannot generate a key.
func (s *Server) StartInstance() *Instance {
	ca, err := testca.New("kmstest instance CA")
	if err != nil {
		panic(fmt.Sprintf("kmstest: StartInstance: %v", err))
	}
	cert, err := ca.Issue(testca.Loopback...)
	if err != nil {
		panic(fmt.Sprintf("kmstest: StartInstance: %v", err))
	}
	in := &Instance{srv: s, gw: &fakegw.Gateway{Product: "Kms", Style: "RPC", Keys: s.gw.Keys, Now: s.gw.Now, Action: rpcAction}, caPEM: ca.PEM()}
	in.hs = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { in.gw.Serve(w, r, in.serve) }))
	in.hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	in.hs.StartTLS()
	in.URL = in.hs.URL
	return in
}

// CACertPEM returns the instance's CA certificate, PEM-encoded, for
// kms.Options.InstanceCACert.
func (in *Instance) CACertPEM() []byte { return append([]byte(nil), in.caPEM...) }

// Close shuts the instance down and closes its connections.
func (in *Instance) Close() { in.hs.Close() }

// Requests returns how many requests the instance has received.
func (in *Instance) Requests() int { return in.gw.Requests() }

// FailNext queues faults for the instance's next requests.
func (in *Instance) FailNext(faults ...Fault) {
	for _, f := range faults {
		in.gw.FailNext(fakegw.Fault(f))
	}
}

// Client returns a kms.Client whose shared endpoint is the Server and whose
// InstanceEndpoint is the instance, trusting its CA through
// InstanceCACert, with the Server's first access key. Retries back off at
// most 10ms unless optFns say otherwise.
func (in *Instance) Client(optFns ...func(*kms.Options)) (*kms.Client, error) {
	return kms.New(kms.Options{
		Endpoint:         in.srv.URL,
		InstanceEndpoint: in.URL,
		InstanceCACert:   in.caPEM,
		Credentials:      in.srv.Credentials(),
		HTTPClient:       in.srv.hs.HTTPClient(),
		RetryMaxBackoff:  10 * time.Millisecond,
	}, optFns...)
}

func (in *Instance) serve(w http.ResponseWriter, r *http.Request) {
	var (
		params map[string][]string
		e      *fakegw.Error
	)
	if fakegw.IsACS3(r) {
		params, e = in.gw.VerifyACS3(r)
	} else {
		params, e = verifyRPC(in.gw, r)
	}
	if e == nil {
		var body map[string]any
		body, e = in.srv.answer(params, func(action string) bool { return action == "GetSecretValue" })
		if e == nil {
			in.gw.WriteJSON(w, http.StatusOK, body)
			return
		}
	}
	in.gw.WriteError(w, r, e.Status, e.Code, e.Message)
}
