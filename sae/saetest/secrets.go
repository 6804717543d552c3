package saetest

import (
	"fmt"
	"slices"
	"time"

	"github.com/alisecret/alisecret-go/sae"
)

// Secret is a secret the server holds. SecretType defaults to "Opaque".
type Secret struct {
	NamespaceID string
	SecretID    int64 // 0: the server assigns the next id
	SecretName  string
	SecretType  string
	SecretData  map[string]string
	CreateTime  time.Time
	UpdateTime  time.Time
	RelateApps  []sae.RelateApp
}

// PutSecret stores a secret (replacing one with the same id) and returns
// its id. Its namespace becomes known to the server. As in SAE, a name is
// unique within its namespace: a second secret of the same non-empty name
// there (under another id) is an error.
func (h *Handler) PutSecret(sec Secret) (int64, error) {
	if sec.NamespaceID == "" {
		return 0, fmt.Errorf("saetest: PutSecret: Secret.NamespaceID is empty")
	}
	if sec.SecretID < 0 {
		return 0, fmt.Errorf("saetest: PutSecret: Secret.SecretID %d is negative", sec.SecretID)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for id, other := range h.secrets {
		if sec.SecretName != "" && other.SecretName == sec.SecretName && other.NamespaceID == sec.NamespaceID && id != sec.SecretID {
			return 0, fmt.Errorf("saetest: PutSecret: namespace %q already has a secret named %q (id %d)", sec.NamespaceID, sec.SecretName, id)
		}
	}
	if sec.SecretID == 0 {
		h.nextID++
		for h.secrets[h.nextID] != nil {
			h.nextID++
		}
		sec.SecretID = h.nextID
	}
	sec.SecretData = cloneMap(sec.SecretData)
	sec.RelateApps = slices.Clone(sec.RelateApps)
	h.secrets[sec.SecretID] = &sec
	h.namespaces[sec.NamespaceID] = true
	return sec.SecretID, nil
}

// AddNamespace makes a namespace known without secrets in it.
func (h *Handler) AddNamespace(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.namespaces[id] = true
}

// DeleteSecret removes a secret.
func (h *Handler) DeleteSecret(id int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.secrets, id)
}

func cloneMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Secret returns a copy of the secret with that id.
func (h *Handler) Secret(id int64) (Secret, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	sec, ok := h.secrets[id]
	if !ok {
		return Secret{}, false
	}
	return cloneSecret(*sec), true
}

// SecretByName returns a copy of the secret of that name in the
// namespace; an empty name names none.
func (h *Handler) SecretByName(namespaceID, name string) (Secret, bool) {
	if name == "" {
		return Secret{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, sec := range h.secrets {
		if sec.NamespaceID == namespaceID && sec.SecretName == name {
			return cloneSecret(*sec), true
		}
	}
	return Secret{}, false
}

func cloneSecret(sec Secret) Secret {
	sec.SecretData = cloneMap(sec.SecretData)
	sec.RelateApps = slices.Clone(sec.RelateApps)
	return sec
}
