package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// Seed is the content of a seed file (DESIGN.md, "New operations").
type Seed struct {
	AccessKeys []AccessKey
	KMS        []kmstest.Secret
	SAE        []saetest.Secret
}

// AccessKey is an access key the fake gateways accept; SecurityToken set
// means STS credentials, which must come with that token.
type AccessKey struct {
	ID            string `json:"id"`
	Secret        string `json:"secret"`
	SecurityToken string `json:"securityToken"`
}

type seedFile struct {
	AccessKeys []json.RawMessage `json:"accessKeys"`
	KMS        []json.RawMessage `json:"kms"`
	SAE        []json.RawMessage `json:"sae"`
}

type kmsEntry struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	DataType    string            `json:"dataType"`
	Data        *string           `json:"data"`
	VersionID   string            `json:"versionId"`
	Stages      []string          `json:"stages"`
	Tags        map[string]string `json:"tags"`
	Versions    []kmsVersion      `json:"versions"`
}

type kmsVersion struct {
	VersionID string   `json:"versionId"`
	Data      string   `json:"data"`
	Stages    []string `json:"stages"`
}

type saeEntry struct {
	NamespaceID string            `json:"namespaceId"`
	SecretID    int64             `json:"secretId"`
	Name        string            `json:"name"`
	Type        string            `json:"type"`
	Data        map[string]string `json:"data"`
}

// LoadSeed reads and checks a seed file. Its errors name the file, the
// entry (section, index and name) and the field at fault, never a secret
// value.
func LoadSeed(path string) (*Seed, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseSeed(b)
	if err != nil {
		return nil, fmt.Errorf("seed file %s: %w", path, err)
	}
	return s, nil
}

// ParseSeed is LoadSeed on the file's bytes.
func ParseSeed(b []byte) (*Seed, error) {
	var f seedFile
	if err := strictDecode(b, &f); err != nil {
		return nil, describe(b, err, "")
	}
	var s Seed
	ids := map[string]bool{}
	for i, raw := range f.AccessKeys {
		var k AccessKey
		where := fmt.Sprintf("accessKeys[%d]", i)
		if err := strictDecode(raw, &k); err != nil {
			return nil, describe(raw, err, where)
		}
		switch {
		case k.ID == "":
			return nil, fmt.Errorf("%s: id is required", where)
		case k.Secret == "":
			return nil, fmt.Errorf("%s (%s): secret is required", where, k.ID)
		case ids[k.ID]:
			return nil, fmt.Errorf("%s (%s): id given twice", where, k.ID)
		}
		ids[k.ID] = true
		s.AccessKeys = append(s.AccessKeys, k)
	}
	if len(s.AccessKeys) == 0 {
		return nil, errors.New("accessKeys: at least one access key is required")
	}
	names := map[string]bool{}
	for i, raw := range f.KMS {
		sec, err := parseKMS(raw, i, names)
		if err != nil {
			return nil, err
		}
		s.KMS = append(s.KMS, sec)
	}
	saeIDs, saeNames := map[int64]bool{}, map[string]bool{}
	for i, raw := range f.SAE {
		sec, err := parseSAE(raw, i, saeIDs, saeNames)
		if err != nil {
			return nil, err
		}
		s.SAE = append(s.SAE, sec)
	}
	return &s, nil
}

func parseKMS(raw json.RawMessage, i int, names map[string]bool) (kmstest.Secret, error) {
	where := fmt.Sprintf("kms[%d]", i)
	var e kmsEntry
	if err := strictDecode(raw, &e); err != nil {
		return kmstest.Secret{}, describe(raw, err, where)
	}
	if e.Name == "" {
		return kmstest.Secret{}, fmt.Errorf("%s: name is required", where)
	}
	where += " (" + e.Name + ")"
	if names[e.Name] {
		return kmstest.Secret{}, fmt.Errorf("%s: name given twice", where)
	}
	names[e.Name] = true
	switch e.DataType {
	case "", "text", "binary":
	default:
		return kmstest.Secret{}, fmt.Errorf("%s: dataType %q is not \"text\" or \"binary\"", where, e.DataType)
	}
	sec := kmstest.Secret{Name: e.Name, Description: e.Description, Type: e.Type, DataType: e.DataType}
	for _, k := range sortedKeys(e.Tags) {
		sec.Tags = append(sec.Tags, kms.Tag{Key: k, Value: e.Tags[k]})
	}
	single := e.Data != nil || e.VersionID != "" || e.Stages != nil
	switch {
	case single && e.Versions != nil:
		return kmstest.Secret{}, fmt.Errorf("%s: give either data (with versionId, stages) or versions, not both", where)
	case !single && len(e.Versions) == 0:
		return kmstest.Secret{}, fmt.Errorf("%s: data or versions is required", where)
	case single:
		if e.Data == nil {
			return kmstest.Secret{}, fmt.Errorf("%s: data is required with versionId or stages", where)
		}
		v := kmstest.Version{ID: e.VersionID, Data: *e.Data, Stages: e.Stages}
		if v.ID == "" {
			v.ID = "v1"
		}
		if v.Stages == nil {
			v.Stages = []string{"ACSCurrent"}
		}
		sec.Versions = []kmstest.Version{v}
	default:
		for j, v := range e.Versions {
			if v.VersionID == "" {
				return kmstest.Secret{}, fmt.Errorf("%s: versions[%d].versionId is required", where, j)
			}
			sec.Versions = append(sec.Versions, kmstest.Version{ID: v.VersionID, Data: v.Data, Stages: v.Stages})
		}
	}
	seen := map[string]int{}
	for j, v := range sec.Versions {
		if k := slices.IndexFunc(sec.Versions[:j], func(o kmstest.Version) bool { return o.ID == v.ID }); k >= 0 {
			return kmstest.Secret{}, fmt.Errorf("%s: versions[%d].versionId %q is also versions[%d]'s", where, j, v.ID, k)
		}
		for _, st := range v.Stages {
			if k, dup := seen[st]; dup {
				return kmstest.Secret{}, fmt.Errorf("%s: stage %q is on versions[%d] and versions[%d]", where, st, k, j)
			}
			seen[st] = j
		}
	}
	return sec, nil
}

func parseSAE(raw json.RawMessage, i int, ids map[int64]bool, names map[string]bool) (saetest.Secret, error) {
	where := fmt.Sprintf("sae[%d]", i)
	var e saeEntry
	if err := strictDecode(raw, &e); err != nil {
		return saetest.Secret{}, describe(raw, err, where)
	}
	switch {
	case e.Name == "":
		return saetest.Secret{}, fmt.Errorf("%s: name is required", where)
	case e.NamespaceID == "":
		return saetest.Secret{}, fmt.Errorf("%s (%s): namespaceId is required", where, e.Name)
	case e.SecretID < 0:
		return saetest.Secret{}, fmt.Errorf("%s (%s): secretId %d is negative (0 or absent: assigned)", where, e.Name, e.SecretID)
	case e.SecretID > 0 && ids[e.SecretID]:
		return saetest.Secret{}, fmt.Errorf("%s (%s): secretId %d given twice", where, e.Name, e.SecretID)
	case names[e.NamespaceID+"\x00"+e.Name]:
		return saetest.Secret{}, fmt.Errorf("%s (%s): name given twice in namespace %s", where, e.Name, e.NamespaceID)
	}
	ids[e.SecretID] = true
	names[e.NamespaceID+"\x00"+e.Name] = true
	return saetest.Secret{NamespaceID: e.NamespaceID, SecretID: e.SecretID, SecretName: e.Name, SecretType: e.Type, SecretData: e.Data}, nil
}

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// describe turns a decoding error into one that says where: the entry,
// its name when it has one, the field, and for a syntax error the line.
// Values are never quoted.
func describe(b []byte, err error, where string) error {
	label := where
	if where != "" {
		var named struct{ Name, ID string }
		if json.Unmarshal(b, &named) == nil && named.Name+named.ID != "" {
			label += " (" + named.Name + named.ID + ")"
		}
		label += ": "
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line := 1 + bytes.Count(b[:min(int(syn.Offset), len(b))], []byte("\n"))
		return fmt.Errorf("%sline %d: not valid JSON: %v", label, line, syn)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the value"
		}
		return fmt.Errorf("%s%s: want %s, got a JSON %s", label, field, typ.Type, typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return fmt.Errorf("%s%s (known: %s)", label, strings.TrimPrefix(err.Error(), "json: "), knownFields(where))
	}
	return fmt.Errorf("%s%w", label, err)
}

func knownFields(where string) string {
	switch {
	case strings.HasPrefix(where, "accessKeys"):
		return "id, secret, securityToken"
	case strings.HasPrefix(where, "kms"):
		return "name, description, type, dataType, data, versionId, stages, tags, versions[{versionId, data, stages}]"
	case strings.HasPrefix(where, "sae"):
		return "namespaceId, secretId, name, type, data"
	}
	return "accessKeys, kms, sae"
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
