package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// kmsEntry is one KMS secret of a seed file or of PUT
// /_fake/kms/secrets/{name}. Times are RFC 3339; rotationInterval is a
// duration such as "604800s" (as KMS writes it) or "168h".
type kmsEntry struct {
	Name              string            `json:"name"`
	Description       string            `json:"description"`
	Type              string            `json:"type"`
	DataType          string            `json:"dataType"`
	Data              *string           `json:"data"`
	VersionID         string            `json:"versionId"`
	Stages            []string          `json:"stages"`
	Tags              map[string]string `json:"tags"`
	Versions          []kmsVersion      `json:"versions"`
	CreateTime        string            `json:"createTime"`
	AutomaticRotation string            `json:"automaticRotation"`
	RotationInterval  string            `json:"rotationInterval"`
	NextRotationDate  string            `json:"nextRotationDate"`
	LastRotationDate  string            `json:"lastRotationDate"`
}

const kmsFields = "name, description, type, dataType, data, versionId, stages, tags, createTime, automaticRotation, " +
	"rotationInterval, nextRotationDate, lastRotationDate, versions[{versionId, data, stages, createTime}]"

type kmsVersion struct {
	VersionID  string   `json:"versionId"`
	Data       string   `json:"data"`
	Stages     []string `json:"stages"`
	CreateTime string   `json:"createTime"`
}

// saeEntry is one SAE secret of a seed file or of PUT /_fake/sae/secrets.
type saeEntry struct {
	NamespaceID string            `json:"namespaceId"`
	SecretID    int64             `json:"secretId"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Data        map[string]string `json:"data"`
	CreateTime  string            `json:"createTime"`
}

const saeFields = "namespaceId, secretId, name, type, data, createTime"

// parseTime reads an optional RFC 3339 time, naming field when it is not one.
func parseTime(field, text string) (time.Time, error) {
	if text == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, text)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q is not an RFC 3339 time such as 2024-02-21T15:39:26Z", field, text)
	}
	return t.UTC(), nil
}

// parseKMS reads one KMS secret; where names it in errors. With pathName
// set (the control API), the name may be left out, and if given must be
// pathName.
func parseKMS(raw json.RawMessage, where, pathName string) (kmstest.Secret, error) {
	var e kmsEntry
	if err := strictDecode(raw, &e); err != nil {
		return kmstest.Secret{}, describe(raw, err, where, kmsFields)
	}
	switch {
	case pathName != "" && e.Name == "":
		e.Name = pathName
	case pathName != "" && e.Name != pathName:
		return kmstest.Secret{}, fmt.Errorf("%s: name %q is not the path's %q", where, e.Name, pathName)
	case e.Name == "":
		return kmstest.Secret{}, fmt.Errorf("%s: name is required", where)
	}
	where += " (" + e.Name + ")"
	switch e.DataType {
	case "", "text", "binary":
	default:
		return kmstest.Secret{}, fmt.Errorf("%s: dataType %q is not \"text\" or \"binary\"", where, e.DataType)
	}
	switch e.AutomaticRotation {
	case "", "Enabled", "Disabled", "Invalid":
	default:
		return kmstest.Secret{}, fmt.Errorf("%s: automaticRotation %q is not \"Enabled\", \"Disabled\" or \"Invalid\"", where, e.AutomaticRotation)
	}
	sec := kmstest.Secret{Name: e.Name, Description: e.Description, Type: e.Type, DataType: e.DataType, AutomaticRotation: e.AutomaticRotation}
	var err error
	for _, t := range []struct {
		field string
		to    *time.Time
		text  string
	}{{"createTime", &sec.CreateTime, e.CreateTime}, {"nextRotationDate", &sec.NextRotationDate, e.NextRotationDate}, {"lastRotationDate", &sec.LastRotationDate, e.LastRotationDate}} {
		if *t.to, err = parseTime(t.field, t.text); err != nil {
			return kmstest.Secret{}, fmt.Errorf("%s: %w", where, err)
		}
	}
	sec.UpdateTime = sec.CreateTime
	if e.RotationInterval != "" {
		d, err := time.ParseDuration(e.RotationInterval)
		if err != nil || d <= 0 || d%time.Second != 0 {
			return kmstest.Secret{}, fmt.Errorf("%s: rotationInterval %q is not a positive whole number of seconds such as \"604800s\"", where, e.RotationInterval)
		}
		sec.RotationInterval = d
	}
	for _, k := range sortedKeys(e.Tags) {
		sec.Tags = append(sec.Tags, kms.Tag{Key: k, Value: e.Tags[k]})
	}
	if sec.Versions, err = kmsVersions(e, sec.CreateTime); err != nil {
		return kmstest.Secret{}, fmt.Errorf("%s: %w", where, err)
	}
	return sec, nil
}

// kmsVersions reads the versions of e, given either as data (with
// versionId, stages) or as versions; a version's createTime defaults to
// the secret's.
func kmsVersions(e kmsEntry, created time.Time) ([]kmstest.Version, error) {
	single := e.Data != nil || e.VersionID != "" || e.Stages != nil
	var vs []kmstest.Version
	switch {
	case single && e.Versions != nil:
		return nil, fmt.Errorf("give either data (with versionId, stages) or versions, not both")
	case !single && len(e.Versions) == 0:
		return nil, fmt.Errorf("data or versions is required")
	case single:
		if e.Data == nil {
			return nil, fmt.Errorf("data is required with versionId or stages")
		}
		v := kmstest.Version{ID: e.VersionID, Data: *e.Data, Stages: e.Stages, CreateTime: created}
		if v.ID == "" {
			v.ID = "v1"
		}
		if v.Stages == nil {
			v.Stages = []string{"ACSCurrent"}
		}
		vs = []kmstest.Version{v}
	default:
		for j, v := range e.Versions {
			if v.VersionID == "" {
				return nil, fmt.Errorf("versions[%d].versionId is required", j)
			}
			t, err := parseTime(fmt.Sprintf("versions[%d].createTime", j), v.CreateTime)
			if err != nil {
				return nil, err
			}
			if t.IsZero() {
				t = created
			}
			vs = append(vs, kmstest.Version{ID: v.VersionID, Data: v.Data, Stages: v.Stages, CreateTime: t})
		}
	}
	seen := map[string]int{}
	for j, v := range vs {
		if k := slices.IndexFunc(vs[:j], func(o kmstest.Version) bool { return o.ID == v.ID }); k >= 0 {
			return nil, fmt.Errorf("versions[%d].versionId %q is also versions[%d]'s", j, v.ID, k)
		}
		for _, st := range v.Stages {
			if k, dup := seen[st]; dup {
				return nil, fmt.Errorf("stage %q is on versions[%d] and versions[%d]", st, k, j)
			}
			seen[st] = j
		}
	}
	return vs, nil
}

// parseSAE reads one SAE secret; where names it in errors.
func parseSAE(raw json.RawMessage, where string) (saetest.Secret, error) {
	var e saeEntry
	if err := strictDecode(raw, &e); err != nil {
		return saetest.Secret{}, describe(raw, err, where, saeFields)
	}
	switch {
	case e.Name == "":
		return saetest.Secret{}, fmt.Errorf("%s: name is required", where)
	case e.NamespaceID == "":
		return saetest.Secret{}, fmt.Errorf("%s (%s): namespaceId is required", where, e.Name)
	case e.SecretID < 0:
		return saetest.Secret{}, fmt.Errorf("%s (%s): secretId %d is negative (0 or absent: assigned)", where, e.Name, e.SecretID)
	}
	created, err := parseTime("createTime", e.CreateTime)
	if err != nil {
		return saetest.Secret{}, fmt.Errorf("%s (%s): %w", where, e.Name, err)
	}
	return saetest.Secret{NamespaceID: e.NamespaceID, SecretID: e.SecretID, SecretName: e.Name, SecretType: e.Type,
		SecretData: e.Data, CreateTime: created, UpdateTime: created}, nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
