package kms_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

func ExampleClient_GetSecretValue() {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("prod/db-password", "s3cr3t")

	client, err := srv.Client() // in production: kms.New(kms.Options{Region: "cn-hangzhou"})
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := client.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "prod/db-password"})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.SecretName, out.VersionStages, len(out.SecretData))
	fmt.Println("printing the output is safe:", fmt.Sprintf("%+v", out)[:69])
	// Output:
	// prod/db-password [ACSCurrent] 6
	// printing the output is safe: {SecretName:prod/db-password SecretType:Generic SecretData:[redacted]
}

func ExampleClient_GetSecretValue_errors() {
	srv := kmstest.NewServer()
	defer srv.Close()
	client, _ := srv.Client()

	_, err := client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "missing"})
	var apiErr *kms.APIError
	switch {
	case errors.Is(err, kms.ErrSecretNotFound) && errors.As(err, &apiErr):
		fmt.Println("not found:", apiErr.Code, apiErr.StatusCode)
	case errors.Is(err, signer.ErrInvalidCredentials):
		fmt.Println("check the access key")
	case err != nil:
		fmt.Println("other error:", err)
	}
	// Output: not found: Forbidden.ResourceNotFound 404
}

func ExampleGetSecretValueOutput_DecodeJSON() {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("prod/db", `{"host":"db.internal","port":5432,"user":"app","password":"s3cr3t"}`)
	client, _ := srv.Client()

	out, err := client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "prod/db"})
	if err != nil {
		panic(err)
	}
	var db struct {
		Host     string `json:"host"`
		Port     int    `json:"port"`
		User     string `json:"user"`
		Password string `json:"password"`
	}
	if err := out.DecodeJSON(&db); err != nil {
		panic(err)
	}
	fmt.Printf("%s@%s:%d\n", db.User, db.Host, db.Port)
	// Output: app@db.internal:5432
}

func ExampleClient_DescribeSecret() {
	srv := kmstest.NewServer()
	defer srv.Close()
	_ = srv.PutSecret(kmstest.Secret{
		Name: "prod/api-key", Description: "payment gateway key", RotationInterval: 30 * 24 * time.Hour,
		Tags:     []kms.Tag{{Key: "team", Value: "payments"}},
		Versions: []kmstest.Version{{ID: "v1", Stages: []string{"ACSCurrent"}, Data: "k"}},
	})
	client, _ := srv.Client()

	out, err := client.DescribeSecret(context.Background(), &kms.DescribeSecretInput{SecretName: "prod/api-key", FetchTags: true})
	if err != nil {
		panic(err)
	}
	fmt.Println(out.ARN)
	fmt.Println(out.Description, out.RotationInterval, out.Tags)
	// Output:
	// acs:kms:cn-hangzhou:1234567890123456:secret/prod/api-key
	// payment gateway key 720h0m0s [{team payments}]
}

func ExampleCache() {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("prod/api-key", "key-v1")
	client, _ := srv.Client()

	cache := kms.NewCache(client, kms.CacheOptions{
		TTL:      5 * time.Minute, // serve from memory this long
		MaxStale: time.Hour,       // if KMS is down, keep serving the last value this long
	})
	defer cache.Close()

	for i := 0; i < 3; i++ {
		out, err := cache.Get(context.Background(), "prod/api-key")
		if err != nil {
			panic(err)
		}
		fmt.Println(len(out.SecretData))
	}
	fmt.Println("requests to KMS:", srv.Requests())

	srv.PutSecretValue("prod/api-key", "key-v2-rotated") // a rotation hook would call Refresh
	out, _ := cache.Refresh(context.Background(), "prod/api-key")
	fmt.Println(out.VersionStages, len(out.SecretData))
	// Output:
	// 6
	// 6
	// 6
	// requests to KMS: 1
	// [ACSCurrent] 14
}
