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
func (s *Server) PutSecret(sec Secret) (int64, error) {
	if sec.NamespaceID == "" {
		return 0, fmt.Errorf("saetest: PutSecret: Secret.NamespaceID is empty")
	}
	if sec.SecretID < 0 {
		return 0, fmt.Errorf("saetest: PutSecret: Secret.SecretID %d is negative", sec.SecretID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, other := range s.secrets {
		if sec.SecretName != "" && other.SecretName == sec.SecretName && other.NamespaceID == sec.NamespaceID && id != sec.SecretID {
			return 0, fmt.Errorf("saetest: PutSecret: namespace %q already has a secret named %q (id %d)", sec.NamespaceID, sec.SecretName, id)
		}
	}
	if sec.SecretID == 0 {
		s.nextID++
		for s.secrets[s.nextID] != nil {
			s.nextID++
		}
		sec.SecretID = s.nextID
	}
	sec.SecretData = cloneMap(sec.SecretData)
	sec.RelateApps = slices.Clone(sec.RelateApps)
	s.secrets[sec.SecretID] = &sec
	s.namespaces[sec.NamespaceID] = true
	return sec.SecretID, nil
}

// AddNamespace makes a namespace known without secrets in it.
func (s *Server) AddNamespace(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.namespaces[id] = true
}

// DeleteSecret removes a secret.
func (s *Server) DeleteSecret(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.secrets, id)
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
