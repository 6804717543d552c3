package kms_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// A service that must reconnect its database pool when the password
// rotates hooks CacheOptions.OnChange. Here kmstest plays KMS and a fake
// clock plays time: the password rotates, and the first read after the
// TTL fetches the new version and reports the change.
func ExampleCache_rotation() {
	srv := kmstest.NewServer()
	defer srv.Close()
	version := func(id, stage, data string) kmstest.Version {
		return kmstest.Version{ID: id, Stages: []string{stage}, Data: data}
	}
	_ = srv.PutSecret(kmstest.Secret{Name: "prod/db-password", Versions: []kmstest.Version{version("v1", "ACSCurrent", "first")}})
	client, _ := srv.Client() // in production: kms.New(kms.Options{Region: "cn-hangzhou"})

	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cache := kms.NewCache(client, kms.CacheOptions{
		TTL:   time.Minute,
		Clock: func() time.Time { return now }, // leave nil in production
		OnChange: func(name, stage string, prev, cur *kms.GetSecretValueOutput) {
			fmt.Printf("%s %s rotated from %s to %s: reconnecting\n", name, stage, prev.VersionID, cur.VersionID)
		},
	})
	defer cache.Close()
	ctx := context.Background()

	out, _ := cache.Get(ctx, "prod/db-password")
	fmt.Println("connect with version", out.VersionID)

	// The rotation: v2 becomes current.
	_ = srv.PutSecret(kmstest.Secret{Name: "prod/db-password", Versions: []kmstest.Version{
		version("v1", "ACSPrevious", "first"), version("v2", "ACSCurrent", "second")}})
	out, _ = cache.Get(ctx, "prod/db-password")
	fmt.Println("within the TTL:", out.VersionID)

	now = now.Add(2 * time.Minute)
	out, _ = cache.Get(ctx, "prod/db-password")
	fmt.Println("after the TTL:", out.VersionID)
	// Output:
	// connect with version v1
	// within the TTL: v1
	// prod/db-password ACSCurrent rotated from v1 to v2: reconnecting
	// after the TTL: v2
}

// At start, a service loads its secrets with one request (20 secrets a
// request) and stops with an error naming each one that failed.
func ExampleCache_Preload() {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("prod/db-password", "pg-s3cr3t")
	srv.PutSecretValue("prod/api-key", "ak-s3cr3t")
	client, _ := srv.Client()
	cache := kms.NewCache(client, kms.CacheOptions{})
	defer cache.Close()
	ctx := context.Background()

	if err := cache.Preload(ctx, "prod/db-password", "prod/api-key"); err != nil {
		fmt.Println("not starting:", err)
		return
	}
	out, _ := cache.Get(ctx, "prod/db-password") // from memory
	fmt.Println("requests:", srv.Requests(), "version:", out.VersionID != "")

	err := cache.Preload(ctx, "prod/api-key", "prod/typo")
	var failed kms.BatchError
	if errors.As(err, &failed) && errors.Is(err, kms.ErrSecretNotFound) {
		fmt.Println("not found:", failed.SecretName)
	}
	// Output:
	// requests: 1 version: true
	// not found: prod/typo
}
