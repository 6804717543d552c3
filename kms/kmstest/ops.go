package kmstest

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms"
)

// requested returns the secret the request's SecretName names.
func (h *Handler) requested(get func(string) string) (Secret, *fakegw.Error) {
	name := get("SecretName")
	if name == "" {
		return Secret{}, fakegw.Missing("SecretName")
	}
	sec, ok := h.Secret(name)
	if !ok {
		return Secret{}, errNotFound
	}
	return sec, nil
}

var errNotFound = &fakegw.Error{Status: 404, Code: "Forbidden.ResourceNotFound", Message: "Resource not found"}

// errNotOnInstance answers a management operation sent to an instance
// gateway, which serves only GetSecretValue of the secret operations.
var errNotOnInstance = &fakegw.Error{Status: 400, Code: "UnsupportedOperation", Message: "The operation is not supported by a KMS instance gateway; call it on the shared gateway."}

func (h *Handler) dispatch(w http.ResponseWriter, r *http.Request, p map[string][]string) {
	body, e := h.answer(p, func(string) bool { return true })
	if e != nil {
		h.gw.WriteError(w, r, e.Status, e.Code, e.Message)
		return
	}
	h.gw.WriteJSON(w, http.StatusOK, body)
}

// answer carries out the request's action when serves allows it.
func (h *Handler) answer(p map[string][]string, serves func(action string) bool) (map[string]any, *fakegw.Error) {
	get := func(k string) string {
		if vs := p[k]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	if v := get("Version"); v != kms.APIVersion {
		return nil, &fakegw.Error{Status: 400, Code: "InvalidVersion", Message: "Specified parameter Version is not valid."}
	}
	action := get("Action")
	if !serves(action) {
		return nil, errNotOnInstance
	}
	switch action {
	case "GetSecretValue":
		return h.getSecretValue(get)
	case "DescribeSecret":
		return h.describeSecret(get)
	case "ListSecretVersionIds":
		return h.listSecretVersionIDs(get)
	case "ListSecrets":
		return h.listSecrets(get)
	case "BatchGetSecretValue":
		return h.batchGetSecretValue(get)
	}
	return nil, &fakegw.Error{Status: 404, Code: "InvalidAction.NotFound", Message: "Specified api is not found, please check your url and method."}
}

func (h *Handler) getSecretValue(get func(string) string) (map[string]any, *fakegw.Error) {
	sec, e := h.requested(get)
	if e != nil {
		return nil, e
	}
	if get("DryRun") == "true" {
		return nil, &fakegw.Error{Status: 400, Code: "DryRunOperation", Message: "Request validation has been passed with DryRun flag set."}
	}
	out, ok := versionValue(sec, get("VersionStage"), get("VersionId"), get("FetchExtendedConfig") == "true")
	if !ok {
		return nil, errNotFound
	}
	return out, nil
}

// versionValue is GetSecretValue's document for the version of sec that
// stage and id select (ACSCurrent when both are empty); false when none
// matches.
func versionValue(sec Secret, stage, id string, extended bool) (map[string]any, bool) {
	if stage == "" && id == "" {
		stage = "ACSCurrent"
	}
	i := slices.IndexFunc(sec.Versions, func(v Version) bool {
		return (id == "" || v.ID == id) && (stage == "" || slices.Contains(v.Stages, stage))
	})
	if i < 0 {
		return nil, false
	}
	v := sec.Versions[i]
	out := map[string]any{
		"SecretName":        sec.Name,
		"SecretType":        orString(sec.Type, "Generic"),
		"SecretData":        v.Data,
		"SecretDataType":    orString(sec.DataType, "text"),
		"VersionId":         v.ID,
		"VersionStages":     map[string][]string{"VersionStage": orEmpty(v.Stages)},
		"AutomaticRotation": orString(sec.AutomaticRotation, "Disabled"),
	}
	putTime(out, "CreateTime", v.CreateTime)
	putTime(out, "LastRotationDate", sec.LastRotationDate)
	putTime(out, "NextRotationDate", sec.NextRotationDate)
	putInterval(out, sec.RotationInterval)
	if extended && sec.ExtendedConfig != "" {
		out["ExtendedConfig"] = sec.ExtendedConfig
	}
	return out, true
}

func (h *Handler) describeSecret(get func(string) string) (map[string]any, *fakegw.Error) {
	sec, e := h.requested(get)
	if e != nil {
		return nil, e
	}
	out := map[string]any{
		"SecretName":        sec.Name,
		"SecretType":        orString(sec.Type, "Generic"),
		"Arn":               "acs:kms:" + Region + ":" + AccountID + ":secret/" + sec.Name,
		"AutomaticRotation": orString(sec.AutomaticRotation, "Disabled"),
	}
	for k, v := range map[string]string{"Description": sec.Description, "EncryptionKeyId": sec.EncryptionKeyID,
		"DKMSInstanceId": sec.DKMSInstanceID, "ExtendedConfig": sec.ExtendedConfig} {
		if v != "" {
			out[k] = v
		}
	}
	putTime(out, "CreateTime", sec.CreateTime)
	putTime(out, "UpdateTime", sec.UpdateTime)
	putTime(out, "LastRotationDate", sec.LastRotationDate)
	putTime(out, "NextRotationDate", sec.NextRotationDate)
	putTime(out, "PlannedDeleteTime", sec.PlannedDeleteTime)
	putInterval(out, sec.RotationInterval)
	if get("FetchTags") == "true" {
		out["Tags"] = tagsBody(sec.Tags)
	}
	return out, nil
}

func orString(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func orEmpty(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func putTime(m map[string]any, k string, t time.Time) {
	if !t.IsZero() {
		m[k] = t.UTC().Format(time.RFC3339)
	}
}

func putInterval(m map[string]any, d time.Duration) {
	if d > 0 {
		m["RotationInterval"] = strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
}
