package kmstest

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms"
)

// Secret is a secret the server holds. Zero fields are reported as absent,
// except Type ("Generic"), DataType ("text") and AutomaticRotation
// ("Disabled"), which take those defaults.
type Secret struct {
	Name              string
	Type              string
	DataType          string // "text" or "binary"; a binary version's Data is base64 text
	Description       string
	EncryptionKeyID   string
	DKMSInstanceID    string
	AutomaticRotation string
	RotationInterval  time.Duration
	ExtendedConfig    string // JSON text; returned with FetchExtendedConfig
	CreateTime        time.Time
	UpdateTime        time.Time
	LastRotationDate  time.Time
	NextRotationDate  time.Time
	PlannedDeleteTime time.Time
	Tags              []kms.Tag // returned with FetchTags; matched by the TagKey and TagValue filters
	Creator           string    // matched by ListSecrets' Creator filter; never reported
	Versions          []Version
}

// Version is one version of a secret.
type Version struct {
	ID         string
	Stages     []string // e.g. ACSCurrent; each stage on at most one version
	Data       string
	CreateTime time.Time
}

// PutSecret stores a secret, replacing one of the same name. It fails on an
// empty name, a version without id, duplicate version ids or a stage on two
// versions.
func (s *Server) PutSecret(sec Secret) error {
	if sec.Name == "" {
		return fmt.Errorf("kmstest: PutSecret: Secret.Name is empty")
	}
	ids, stages := map[string]bool{}, map[string]bool{}
	for i, v := range sec.Versions {
		if v.ID == "" {
			return fmt.Errorf("kmstest: PutSecret %q: Versions[%d].ID is empty", sec.Name, i)
		}
		if ids[v.ID] {
			return fmt.Errorf("kmstest: PutSecret %q: version id %q twice", sec.Name, v.ID)
		}
		ids[v.ID] = true
		for _, st := range v.Stages {
			if stages[st] {
				return fmt.Errorf("kmstest: PutSecret %q: stage %q on two versions", sec.Name, st)
			}
			stages[st] = true
		}
	}
	c := cloneSecret(sec)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets[sec.Name] = &c
	return nil
}

// PutSecretValue adds a text version holding data to the named secret,
// creating the secret if needed, and makes it ACSCurrent; the former
// current version becomes ACSPrevious, as a rotation does. It returns the
// new version id.
func (s *Server) PutSecretValue(name, data string) string {
	now := s.gw.Now().UTC().Truncate(time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.secrets[name]
	if !ok {
		sec = &Secret{Name: name, CreateTime: now}
		s.secrets[name] = sec
	}
	id := fmt.Sprintf("%032d", len(sec.Versions)+1)
	for i := range sec.Versions {
		v := &sec.Versions[i]
		v.Stages = slices.DeleteFunc(v.Stages, func(st string) bool { return st == "ACSPrevious" })
		if slices.Contains(v.Stages, "ACSCurrent") {
			v.Stages = slices.DeleteFunc(v.Stages, func(st string) bool { return st == "ACSCurrent" })
			v.Stages = append(v.Stages, "ACSPrevious")
		}
	}
	sec.Versions = append(sec.Versions, Version{ID: id, Stages: []string{"ACSCurrent"}, Data: data, CreateTime: now})
	sec.UpdateTime = now
	return id
}

// DeleteSecret removes a secret; later requests for it are not found.
func (s *Server) DeleteSecret(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.secrets, name)
}

func cloneSecret(sec Secret) Secret {
	sec.Tags = slices.Clone(sec.Tags)
	sec.Versions = slices.Clone(sec.Versions)
	for i := range sec.Versions {
		sec.Versions[i].Stages = slices.Clone(sec.Versions[i].Stages)
	}
	return sec
}

// secret returns a copy of the named secret; an ARN names it too.
func (s *Server) secret(name string) (Secret, bool) {
	if i := strings.LastIndex(name, ":secret/"); strings.HasPrefix(name, "acs:kms:") && i >= 0 {
		name = name[i+len(":secret/"):]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.secrets[name]
	if !ok {
		return Secret{}, false
	}
	return cloneSecret(*sec), true
}

// requested returns the secret the request's SecretName names.
func (s *Server) requested(get func(string) string) (Secret, *fakegw.Error) {
	name := get("SecretName")
	if name == "" {
		return Secret{}, fakegw.Missing("SecretName")
	}
	sec, ok := s.secret(name)
	if !ok {
		return Secret{}, errNotFound
	}
	return sec, nil
}

var errNotFound = &fakegw.Error{Status: 404, Code: "Forbidden.ResourceNotFound", Message: "Resource not found"}

// errNotOnInstance answers a management operation sent to an instance
// gateway, which serves only GetSecretValue of the secret operations.
var errNotOnInstance = &fakegw.Error{Status: 400, Code: "UnsupportedOperation", Message: "The operation is not supported by a KMS instance gateway; call it on the shared gateway."}

func (s *Server) dispatch(w http.ResponseWriter, r *http.Request, p map[string][]string) {
	body, e := s.answer(p, func(string) bool { return true })
	if e != nil {
		s.gw.WriteError(w, r, e.Status, e.Code, e.Message)
		return
	}
	s.gw.WriteJSON(w, http.StatusOK, body)
}

// answer carries out the request's action when serves allows it.
func (s *Server) answer(p map[string][]string, serves func(action string) bool) (map[string]any, *fakegw.Error) {
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
		return s.getSecretValue(get)
	case "DescribeSecret":
		return s.describeSecret(get)
	case "ListSecretVersionIds":
		return s.listSecretVersionIDs(get)
	case "ListSecrets":
		return s.listSecrets(get)
	case "BatchGetSecretValue":
		return s.batchGetSecretValue(get)
	}
	return nil, &fakegw.Error{Status: 404, Code: "InvalidAction.NotFound", Message: "Specified api is not found, please check your url and method."}
}

func (s *Server) getSecretValue(get func(string) string) (map[string]any, *fakegw.Error) {
	sec, e := s.requested(get)
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

func (s *Server) describeSecret(get func(string) string) (map[string]any, *fakegw.Error) {
	sec, e := s.requested(get)
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
