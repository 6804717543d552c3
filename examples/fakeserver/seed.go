package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// Seed is the content of a seed file: the access keys the fakes accept
// and the secrets they start with (and go back to on POST /_fake/reset).
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
		return nil, describe(b, err, "", "accessKeys, kms, sae")
	}
	var s Seed
	ids := map[string]bool{}
	for i, raw := range f.AccessKeys {
		var k AccessKey
		where := fmt.Sprintf("accessKeys[%d]", i)
		if err := strictDecode(raw, &k); err != nil {
			return nil, describe(raw, err, where, "id, secret, securityToken")
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
		where := fmt.Sprintf("kms[%d]", i)
		sec, err := parseKMS(raw, where, "")
		if err != nil {
			return nil, err
		}
		if names[sec.Name] {
			return nil, fmt.Errorf("%s (%s): name given twice", where, sec.Name)
		}
		names[sec.Name] = true
		s.KMS = append(s.KMS, sec)
	}
	saeIDs, saeNames := map[int64]bool{}, map[string]bool{}
	for i, raw := range f.SAE {
		where := fmt.Sprintf("sae[%d]", i)
		sec, err := parseSAE(raw, where)
		if err != nil {
			return nil, err
		}
		label := fmt.Sprintf("%s (%s)", where, sec.SecretName)
		switch key := sec.NamespaceID + "\x00" + sec.SecretName; {
		case sec.SecretID > 0 && saeIDs[sec.SecretID]:
			return nil, fmt.Errorf("%s: secretId %d given twice", label, sec.SecretID)
		case saeNames[key]:
			return nil, fmt.Errorf("%s: name given twice in namespace %s", label, sec.NamespaceID)
		default:
			saeIDs[sec.SecretID], saeNames[key] = true, true
		}
		s.SAE = append(s.SAE, sec)
	}
	return &s, nil
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
// its name when it has one, the field (for an unknown one, the known
// ones), and for a syntax error the line. Values are never quoted.
func describe(b []byte, err error, where, known string) error {
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
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%sempty: a JSON value is required", label)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%snot valid JSON: it ends early", label)
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
		return fmt.Errorf("%s%s (known: %s)", label, strings.TrimPrefix(err.Error(), "json: "), known)
	}
	return fmt.Errorf("%s%w", label, err)
}
