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

// LoadConfig fetches every secret concurrently. The first failure cancels
// the others and is returned naming the secret, with a hint for the person
// reading it. ctx bounds the whole load: give it the startup deadline.
func LoadConfig(ctx context.Context, k *kms.Client, s *sae.Client, src Sources) (*Config, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	var (
		cfg  Config
		wg   sync.WaitGroup
		once sync.Once
		fail error
	)
	load := func(what string, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := fn(); err != nil {
				once.Do(func() {
					fail = fmt.Errorf("loading %s: %w%s", what, err, hint(err))
					cancel(fail)
				})
			}
		}()
	}
	load(fmt.Sprintf("KMS secret %q", src.DBSecret), func() error {
		out, err := k.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: src.DBSecret})
		if err != nil {
			return err
		}
		if err := out.DecodeJSON(&cfg.DB); err != nil {
			return err
		}
		if cfg.DB.Host == "" || cfg.DB.Password == "" {
			return errors.New("the JSON document has no host or password")
		}
		return nil
	})
	load(fmt.Sprintf("KMS secret %q", src.APIKeySecret), func() error {
		out, err := k.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: src.APIKeySecret})
		if err != nil {
			return err
		}
		cfg.APIKey = out.SecretData
		return nil
	})
	load(fmt.Sprintf("SAE secret %d in namespace %s", src.RegistrySecret, src.RegistryNS), func() error {
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
		cfg.Registry = a
		return nil
	})
	wg.Wait()
	if fail != nil {
		return nil, fail
	}
	return &cfg, nil
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
