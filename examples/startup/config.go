package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

// Config is what the service needs before it can serve.
type Config struct {
	DB       DBConfig       // a JSON secret in KMS
	APIKey   string         // a text secret in KMS
	Registry sae.DockerAuth // an image-registry secret in SAE
}

// DBConfig is the JSON document the database secret holds.
type DBConfig struct {
	Host     string `json:"host"`
	Port     int    `json:"port"`
	User     string `json:"user"`
	Password string `json:"password"`
}

// Sources names where each secret lives.
type Sources struct {
	DBSecret       string // KMS secret name
	APIKeySecret   string // KMS secret name
	RegistryNS     string // SAE namespace id
	RegistrySecret int64  // SAE secret id
	RegistryHost   string // registry within the docker config
}

// LoadConfig fetches every secret concurrently: the KMS ones with one
// BatchGetSecretValue request (Cache.Preload), which leaves them in the
// cache for the service to read from memory afterwards, and the SAE one
// beside it. The first failure cancels the others and is returned naming
// the secret, with a hint for the person reading it. ctx bounds the whole
// load: give it the startup deadline.
func LoadConfig(ctx context.Context, cache *kms.Cache, s *sae.Client, src Sources) (*Config, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var (
		cfg  Config
		wg   sync.WaitGroup
		once sync.Once
		fail error
	)
	failed := func(what string, err error) {
		once.Do(func() {
			fail = fmt.Errorf("loading %s: %w%s", what, err, hint(err))
			cancel(fail)
		})
	}
	load := func(fn func()) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	load(func() {
		if err := cache.Preload(ctx, src.DBSecret, src.APIKeySecret); err != nil {
			var one kms.BatchError // one error per failed secret: report the first
			if errors.As(err, &one) {
				failed(fmt.Sprintf("KMS secret %q", one.SecretName), one.Err)
			} else {
				failed(fmt.Sprintf("KMS secrets %q and %q", src.DBSecret, src.APIKeySecret), err)
			}
			return
		}
		// Both are in memory now: these Gets send nothing.
		if err := decodeDB(ctx, cache, src.DBSecret, &cfg.DB); err != nil {
			failed(fmt.Sprintf("KMS secret %q", src.DBSecret), err)
			return
		}
		out, err := cache.Get(ctx, src.APIKeySecret)
		if err != nil {
			failed(fmt.Sprintf("KMS secret %q", src.APIKeySecret), err)
			return
		}
		cfg.APIKey = out.SecretData
	})
	load(func() {
		if err := loadRegistry(ctx, s, src, &cfg.Registry); err != nil {
			failed(fmt.Sprintf("SAE secret %d in namespace %s", src.RegistrySecret, src.RegistryNS), err)
		}
	})
	wg.Wait()
	if fail != nil {
		return nil, fail
	}
	return &cfg, nil
}

func decodeDB(ctx context.Context, cache *kms.Cache, name string, db *DBConfig) error {
	out, err := cache.Get(ctx, name)
	if err != nil {
		return err
	}
	if err := out.DecodeJSON(db); err != nil {
		return err
	}
	if db.Host == "" || db.Password == "" {
		return errors.New("the JSON document has no host or password")
	}
	return nil
}

func loadRegistry(ctx context.Context, s *sae.Client, src Sources, auth *sae.DockerAuth) error {
	out, err := s.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: src.RegistryNS, SecretID: src.RegistrySecret})
	if err != nil {
		return err
	}
	auths, err := out.Secret.DockerConfig()
	if err != nil {
		return err
	}
	a, ok := auths[src.RegistryHost]
	if !ok {
		return fmt.Errorf("no credentials for registry %s", src.RegistryHost)
	}
	*auth = a
	return nil
}

// hint says what to check for the common startup failures.
func hint(err error) string {
	switch {
	case errors.Is(err, kms.ErrSecretNotFound):
		return " (check the name and the region the client uses)"
	case errors.Is(err, signer.ErrInvalidCredentials):
		return " (check the access key, its secret or the STS token the service runs with)"
	case errors.Is(err, signer.ErrAccessDenied):
		return " (the RAM policy of the service's identity does not allow this read)"
	case errors.Is(err, context.DeadlineExceeded):
		return " (the startup deadline passed: is the endpoint reachable from here?)"
	}
	return ""
}
