package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// maxControlBody bounds a control request's body, in bytes.
const maxControlBody = 1 << 20

// Bounds of POST /_fake/faults.
const (
	maxFaultCount = 10000
	maxFaultDelay = time.Minute
)

func (f *Fakes) controlMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /_fake/kms/secrets/{name}", f.putKMS)
	mux.HandleFunc("POST /_fake/kms/secrets/{name}/versions", f.rotateKMS)
	mux.HandleFunc("DELETE /_fake/kms/secrets/{name}", f.deleteKMS)
	mux.HandleFunc("PUT /_fake/sae/secrets", f.putSAE)
	mux.HandleFunc("DELETE /_fake/sae/namespaces/{namespaceId}/secrets/{secretId}", f.deleteSAE)
	mux.HandleFunc("POST /_fake/faults", f.postFaults)
	mux.HandleFunc("PUT /_fake/ratelimit", f.putRateLimit)
	mux.HandleFunc("DELETE /_fake/ratelimit", f.deleteRateLimit)
	mux.HandleFunc("GET /_fake/requests", f.getRequests)
	mux.HandleFunc("POST /_fake/reset", f.postReset)
	mux.HandleFunc("/_fake/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, errorBody(fmt.Sprintf("no control request %s %s (a secret name in the path is path-escaped: prod%%2Fdb)", r.Method, r.URL.EscapedPath())))
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func errorBody(msg string) map[string]string { return map[string]string{"error": msg} }

// readBody reads a control request's body; the error is the answer to send.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	b, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeJSON(w, http.StatusRequestEntityTooLarge, errorBody(fmt.Sprintf("body: larger than %d bytes", maxControlBody)))
		return nil, false
	case err != nil:
		writeJSON(w, http.StatusBadRequest, errorBody("body: "+err.Error()))
		return nil, false
	}
	return b, true
}

// decodeBody reads a control request's JSON body into v, strictly; known
// lists v's fields for the error about an unknown one.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, known string) bool {
	b, ok := readBody(w, r)
	if !ok {
		return false
	}
	if err := strictDecode(b, v); err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(describe(b, err, "body", known).Error()))
		return false
	}
	return true
}

func (f *Fakes) putKMS(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	b, ok := readBody(w, r)
	if !ok {
		return
	}
	sec, err := parseKMS(b, "body", name)
	if err == nil {
		err = f.KMS.PutSecret(sec)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"name": name})
}

func (f *Fakes) rotateKMS(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	var body struct {
		VersionID string  `json:"versionId"`
		Data      *string `json:"data"`
	}
	if !decodeBody(w, r, &body, "versionId, data") {
		return
	}
	if body.Data == nil {
		writeJSON(w, http.StatusBadRequest, errorBody("body: data is required"))
		return
	}
	if _, ok := f.KMS.Secret(name); !ok {
		writeJSON(w, http.StatusNotFound, errorBody(fmt.Sprintf("no KMS secret named %q", name)))
		return
	}
	id, err := f.KMS.RotateSecret(name, body.VersionID, *body.Data)
	if err != nil {
		writeJSON(w, http.StatusConflict, errorBody("body: versionId: "+err.Error()))
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"name": name, "versionId": id})
}

func (f *Fakes) deleteKMS(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if _, ok := f.KMS.Secret(name); !ok {
		writeJSON(w, http.StatusNotFound, errorBody(fmt.Sprintf("no KMS secret named %q", name)))
		return
	}
	f.KMS.DeleteSecret(name)
	writeJSON(w, http.StatusOK, map[string]string{"name": name})
}

// putSAE creates or replaces a secret: by id when the body gives one,
// else the namespace's secret of that name, else a new one.
func (f *Fakes) putSAE(w http.ResponseWriter, r *http.Request) {
	b, ok := readBody(w, r)
	if !ok {
		return
	}
	sec, err := parseSAE(b, "body")
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(err.Error()))
		return
	}
	if old, ok := f.SAE.SecretByName(sec.NamespaceID, sec.SecretName); ok && sec.SecretID == 0 {
		sec.SecretID = old.SecretID
	}
	id, err := f.SAE.PutSecret(sec)
	if err != nil {
		writeJSON(w, http.StatusConflict, errorBody("body: "+err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"namespaceId": sec.NamespaceID, "secretId": id, "name": sec.SecretName})
}

func (f *Fakes) deleteSAE(w http.ResponseWriter, r *http.Request) {
	ns := r.PathValue("namespaceId")
	id, err := strconv.ParseInt(r.PathValue("secretId"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, errorBody(fmt.Sprintf("secretId %q in the path is not a number", r.PathValue("secretId"))))
		return
	}
	if sec, ok := f.SAE.Secret(id); !ok || sec.NamespaceID != ns {
		writeJSON(w, http.StatusNotFound, errorBody(fmt.Sprintf("no SAE secret %d in namespace %q", id, ns)))
		return
	}
	f.SAE.DeleteSecret(id)
	writeJSON(w, http.StatusOK, map[string]any{"namespaceId": ns, "secretId": id})
}

type faultsBody struct {
	Count   int    `json:"count"`
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
	DelayMs int64  `json:"delayMs"`
}

func (f *Fakes) postFaults(w http.ResponseWriter, r *http.Request) {
	var body faultsBody
	if !decodeBody(w, r, &body, "count, status, code, message, delayMs") {
		return
	}
	count := max(body.Count, 1)
	bad := ""
	switch {
	case body.Count < 0 || body.Count > maxFaultCount:
		bad = fmt.Sprintf("count %d is not 1 to %d (absent: 1)", body.Count, maxFaultCount)
	case body.Status != 0 && (body.Status < 200 || body.Status > 599):
		bad = fmt.Sprintf("status %d is not an HTTP status 200 to 599 (absent: 500 with a code)", body.Status)
	case body.DelayMs < 0 || body.DelayMs > maxFaultDelay.Milliseconds():
		bad = fmt.Sprintf("delayMs %d is not 0 to %d", body.DelayMs, maxFaultDelay.Milliseconds())
	case body.Status == 0 && body.Code == "" && body.DelayMs == 0:
		bad = "give a status, a code or a delayMs"
	}
	if bad != "" {
		writeJSON(w, http.StatusBadRequest, errorBody("body: "+bad))
		return
	}
	fault := kmstest.Fault{Status: body.Status, Code: body.Code, Message: body.Message, Delay: time.Duration(body.DelayMs) * time.Millisecond}
	for range count {
		f.faults = append(f.faults, fault)
	}
	writeJSON(w, http.StatusOK, map[string]int{"queued": len(f.faults)})
}

type rateLimitBody struct {
	Rate         float64 `json:"rate"`
	Burst        int     `json:"burst"`
	RetryAfterMs int64   `json:"retryAfterMs"`
}

// putRateLimit limits KMS and SAE alike, each with a bucket of its own, as
// each real gateway counts its own requests.
func (f *Fakes) putRateLimit(w http.ResponseWriter, r *http.Request) {
	var body rateLimitBody
	if !decodeBody(w, r, &body, "rate, burst, retryAfterMs") {
		return
	}
	bad := ""
	switch {
	case body.Rate <= 0:
		bad = fmt.Sprintf("rate %v is not a positive number of requests per second", body.Rate)
	case body.Burst < 0:
		bad = fmt.Sprintf("burst %d is negative (absent: one second's worth)", body.Burst)
	case body.RetryAfterMs < 0:
		bad = fmt.Sprintf("retryAfterMs %d is negative", body.RetryAfterMs)
	}
	if bad != "" {
		writeJSON(w, http.StatusBadRequest, errorBody("body: "+bad))
		return
	}
	retry := time.Duration(body.RetryAfterMs) * time.Millisecond
	f.KMS.SetRateLimit(kmstest.RateLimit{Rate: body.Rate, Burst: body.Burst, RetryAfter: retry})
	f.SAE.SetRateLimit(saetest.RateLimit{Rate: body.Rate, Burst: body.Burst, RetryAfter: retry})
	writeJSON(w, http.StatusOK, body)
}

func (f *Fakes) deleteRateLimit(w http.ResponseWriter, r *http.Request) {
	f.KMS.SetRateLimit(kmstest.RateLimit{})
	f.SAE.SetRateLimit(saetest.RateLimit{})
	writeJSON(w, http.StatusOK, map[string]any{})
}

// getRequests answers both fakes' request logs as one, oldest first.
func (f *Fakes) getRequests(w http.ResponseWriter, r *http.Request) {
	log := append(f.KMS.RequestLog(), f.SAE.RequestLog()...)
	slices.SortStableFunc(log, func(a, b kmstest.LoggedRequest) int { return a.Time.Compare(b.Time) })
	if log == nil {
		log = []kmstest.LoggedRequest{}
	}
	writeJSON(w, http.StatusOK, log)
}

// postReset puts the fakes back as the seed made them: its secrets only,
// no queued fault, no rate limit, an empty request log.
func (f *Fakes) postReset(w http.ResponseWriter, r *http.Request) {
	f.faults = nil
	f.KMS.Reset()
	f.SAE.Reset()
	if err := f.load(); err != nil { // the seed loaded at start, so it loads again
		writeJSON(w, http.StatusInternalServerError, errorBody(err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}
