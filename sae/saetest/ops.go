package saetest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

func (h *Handler) describeSecret(w http.ResponseWriter, r *http.Request, get func(string) string) {
	ns, idText := get("NamespaceId"), get("SecretId")
	if ns == "" || idText == "" {
		h.writeEnvelopeError(w, r, 400, "InvalidParameter.NotEmpty", "The parameters NamespaceId and SecretId cannot be empty.")
		return
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		h.writeEnvelopeError(w, r, 400, "InvalidParameter.Obviously", "The SecretId parameter is invalid.")
		return
	}
	h.mu.Lock()
	known := h.namespaces[ns]
	sec, found := h.secrets[id]
	var c Secret
	if found {
		c = *sec
		c.SecretData, c.RelateApps = cloneMap(sec.SecretData), slices.Clone(sec.RelateApps)
	}
	h.mu.Unlock()
	switch {
	case !known:
		h.writeEnvelopeError(w, r, 404, "InvalidNamespaceId.NotFound", "The specified namespace ID does not exist.")
		return
	case !found || c.NamespaceID != ns:
		h.writeEnvelopeError(w, r, 400, "InvalidSecretId.NotFound", "The specified secret does not exist.")
		return
	}
	data := summary(c)
	data["SecretData"] = c.SecretData
	h.gw.WriteJSON(w, http.StatusOK, map[string]any{
		"Code": "200", "Message": "success", "Success": true, "TraceId": h.traceID(), "Data": data,
	})
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (h *Handler) traceID() string { return fmt.Sprintf("0a%030d", h.gw.Requests()) }

// writeEnvelopeError answers in SAE's envelope: Code echoes the HTTP
// status, ErrorCode carries the error code, Success is false.
func (h *Handler) writeEnvelopeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	body := map[string]any{
		"Code": strconv.Itoa(status), "ErrorCode": code, "Message": message, "Success": false,
		"TraceId": h.traceID(), "Data": json.RawMessage("null"),
	}
	h.gw.WriteJSON(w, status, body)
}

// summary is a secret as ListSecrets reports it: everything but the data.
func summary(c Secret) map[string]any {
	apps := []map[string]string{}
	for _, a := range c.RelateApps {
		apps = append(apps, map[string]string{"AppId": a.AppID, "AppName": a.AppName})
	}
	return map[string]any{
		"NamespaceId": c.NamespaceID,
		"SecretId":    c.SecretID,
		"SecretName":  c.SecretName,
		"SecretType":  orString(c.SecretType, "Opaque"),
		"CreateTime":  epochMillis(c.CreateTime),
		"UpdateTime":  epochMillis(c.UpdateTime),
		"RelateApps":  apps,
	}
}

func epochMillis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// listSecrets answers ListSecrets: the namespace's secrets, by id, without
// their data.
func (h *Handler) listSecrets(w http.ResponseWriter, r *http.Request, get func(string) string) {
	ns := get("NamespaceId")
	if ns == "" {
		h.writeEnvelopeError(w, r, 400, "InvalidParameter.NotEmpty", "The parameter NamespaceId cannot be empty.")
		return
	}
	h.mu.Lock()
	known := h.namespaces[ns]
	var list []Secret
	for _, sec := range h.secrets {
		if sec.NamespaceID == ns {
			c := *sec
			c.RelateApps = slices.Clone(sec.RelateApps)
			c.SecretData = nil
			list = append(list, c)
		}
	}
	h.mu.Unlock()
	if !known {
		h.writeEnvelopeError(w, r, 404, "InvalidNamespaceId.NotFound", "The specified namespace ID does not exist.")
		return
	}
	slices.SortFunc(list, func(a, b Secret) int { return cmp.Compare(a.SecretID, b.SecretID) })
	secrets := make([]map[string]any, 0, len(list))
	for _, c := range list {
		secrets = append(secrets, summary(c))
	}
	h.gw.WriteJSON(w, http.StatusOK, map[string]any{
		"Code": "200", "Message": "success", "Success": true, "TraceId": h.traceID(),
		"Data": map[string]any{"Secrets": secrets},
	})
}
