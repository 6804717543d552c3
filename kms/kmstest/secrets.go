package kmstest

import (
	"fmt"
	"slices"
	"strings"
	"time"

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
func (h *Handler) PutSecret(sec Secret) error {
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
	h.mu.Lock()
	defer h.mu.Unlock()
	h.secrets[sec.Name] = &c
	return nil
}

// PutSecretValue adds a text version holding data to the named secret,
// creating the secret if needed, and makes it ACSCurrent; the former
// current version becomes ACSPrevious, as a rotation does. It returns the
// new version id.
func (h *Handler) PutSecretValue(name, data string) string {
	now := h.gw.Now().UTC().Truncate(time.Second)
	h.mu.Lock()
	defer h.mu.Unlock()
	sec, ok := h.secrets[name]
	if !ok {
		sec = &Secret{Name: name, CreateTime: now}
		h.secrets[name] = sec
	}
	return rotate(sec, "", data, now)
}

// RotateSecret adds version versionID holding data to the named secret
// and makes it ACSCurrent; the former current version becomes ACSPrevious
// (and the former previous one loses that stage), as a rotation does. An
// empty versionID is assigned. It returns the new version's id; it fails
// when there is no such secret or the secret has that version already.
func (h *Handler) RotateSecret(name, versionID, data string) (string, error) {
	now := h.gw.Now().UTC().Truncate(time.Second)
	h.mu.Lock()
	defer h.mu.Unlock()
	sec, ok := h.secrets[name]
	if !ok {
		return "", fmt.Errorf("kmstest: RotateSecret: no secret named %q", name)
	}
	if slices.ContainsFunc(sec.Versions, func(v Version) bool { return v.ID == versionID }) {
		return "", fmt.Errorf("kmstest: RotateSecret %q: version id %q exists already", name, versionID)
	}
	return rotate(sec, versionID, data, now), nil
}

// rotate adds the new current version; an empty id is the next free one.
func rotate(sec *Secret, id, data string, now time.Time) string {
	for n := len(sec.Versions) + 1; id == ""; n++ {
		id = fmt.Sprintf("%032d", n)
		if slices.ContainsFunc(sec.Versions, func(v Version) bool { return v.ID == id }) {
			id = ""
		}
	}
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
func (h *Handler) DeleteSecret(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.secrets, name)
}

func cloneSecret(sec Secret) Secret {
	sec.Tags = slices.Clone(sec.Tags)
	sec.Versions = slices.Clone(sec.Versions)
	for i := range sec.Versions {
		sec.Versions[i].Stages = slices.Clone(sec.Versions[i].Stages)
	}
	return sec
}

// Secret returns a copy of the named secret; an ARN
// (acs:kms:<region>:<account>:secret/<name>) names it too.
func (h *Handler) Secret(name string) (Secret, bool) {
	if i := strings.LastIndex(name, ":secret/"); strings.HasPrefix(name, "acs:kms:") && i >= 0 {
		name = name[i+len(":secret/"):]
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	sec, ok := h.secrets[name]
	if !ok {
		return Secret{}, false
	}
	return cloneSecret(*sec), true
}
