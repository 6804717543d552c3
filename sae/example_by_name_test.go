package sae_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

func ExampleClient_ListSecrets() {
	srv := saetest.NewServer()
	defer srv.Close()
	created := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	_, _ = srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:prod", SecretID: 16, SecretName: "registry-auth",
		SecretType: "kubernetes.io/dockerconfigjson", CreateTime: created,
		RelateApps: []sae.RelateApp{{AppID: "f16b4000", AppName: "checkout"}}})
	_, _ = srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:prod", SecretID: 17, SecretName: "db-credentials", CreateTime: created})
	client, err := srv.Client() // in production: sae.New(sae.Options{Region: "cn-beijing"})
	if err != nil {
		panic(err)
	}

	out, err := client.ListSecrets(context.Background(), &sae.ListSecretsInput{NamespaceID: "cn-beijing:prod"})
	if err != nil {
		panic(err)
	}
	for _, s := range out.Secrets { // names and ids, never the data
		fmt.Println(s.SecretID, s.SecretName, s.SecretType, s.CreateTime.Format(time.DateOnly), len(s.RelateApps))
	}
	// Output:
	// 16 registry-auth kubernetes.io/dockerconfigjson 2024-03-01 1
	// 17 db-credentials Opaque 2024-03-01 0
}

func ExampleClient_DescribeSecretByName() {
	srv := saetest.NewServer()
	defer srv.Close()
	_, _ = srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:prod", SecretID: 16, SecretName: "db-credentials",
		SecretData: map[string]string{"password": "czNjcjN0"}}) // base64
	client, _ := srv.Client()

	out, err := client.DescribeSecretByName(context.Background(), &sae.DescribeSecretByNameInput{
		NamespaceID: "cn-beijing:prod", SecretName: "db-credentials",
	})
	if err != nil {
		panic(err)
	}
	values, _ := out.Secret.Decoded()
	fmt.Println(out.Secret.SecretID, len(values["password"]), "bytes")

	_, err = client.DescribeSecretByName(context.Background(), &sae.DescribeSecretByNameInput{
		NamespaceID: "cn-beijing:prod", SecretName: "typo",
	})
	fmt.Println(errors.Is(err, sae.ErrSecretNotFound))
	msg, _, _ := strings.Cut(err.Error(), " (ListSecrets request id") // the id differs per run
	fmt.Println(msg)
	// Output:
	// 16 6 bytes
	// true
	// sae DescribeSecretByName: resource not found: no secret named "typo" in namespace "cn-beijing:prod"
}
