package sae_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

func ExampleClient_DescribeSecret() {
	srv := saetest.NewServer()
	defer srv.Close()
	id, _ := srv.PutSecret(saetest.Secret{
		NamespaceID: "cn-beijing:prod",
		SecretName:  "db-credentials",
		SecretData:  map[string]string{"username": "YXBw", "password": "czNjcjN0"}, // base64
		CreateTime:  time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC),
	})
	client, err := srv.Client() // in production: sae.New(sae.Options{Region: "cn-beijing"})
	if err != nil {
		panic(err)
	}

	out, err := client.DescribeSecret(context.Background(), &sae.DescribeSecretInput{NamespaceID: "cn-beijing:prod", SecretID: id})
	if err != nil {
		panic(err)
	}
	values, err := out.Secret.Decoded()
	if err != nil {
		panic(err)
	}
	fmt.Println(out.Secret.SecretName, out.Secret.CreateTime.Format(time.DateOnly), string(values["username"]))
	fmt.Printf("%v\n", out.Secret) // printing the secret never shows its values
	// Output:
	// db-credentials 2024-03-01 app
	// {cn-beijing:prod 1 db-credentials Opaque map[password:[redacted] username:[redacted]] 2024-03-01 12:00:00 +0000 UTC 0001-01-01 00:00:00 +0000 UTC []}
}

func ExampleSecret_DockerConfig() {
	srv := saetest.NewServer()
	defer srv.Close()
	id, _ := srv.PutSecret(saetest.Secret{
		NamespaceID: "cn-beijing:prod",
		SecretName:  "registry",
		SecretType:  "kubernetes.io/dockerconfigjson",
		SecretData: map[string]string{
			sae.DockerConfigJSONKey: `{"auths":{"registry.cn-beijing.aliyuncs.com":{"username":"deploy","password":"s3cr3t"}}}`,
		},
	})
	client, _ := srv.Client()
	out, err := client.DescribeSecret(context.Background(), &sae.DescribeSecretInput{NamespaceID: "cn-beijing:prod", SecretID: id})
	if err != nil {
		panic(err)
	}
	auths, err := out.Secret.DockerConfig()
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", auths["registry.cn-beijing.aliyuncs.com"])
	// Output: {Username:deploy Password:[redacted] Auth: Email:}
}

func ExampleClient_DescribeSecret_notFound() {
	srv := saetest.NewServer()
	defer srv.Close()
	srv.AddNamespace("cn-beijing:prod")
	client, _ := srv.Client()

	_, err := client.DescribeSecret(context.Background(), &sae.DescribeSecretInput{NamespaceID: "cn-beijing:prod", SecretID: 404})
	var apiErr *sae.APIError
	if errors.Is(err, sae.ErrSecretNotFound) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.Code, apiErr.StatusCode)
	}
	// Output: InvalidSecretId.NotFound 400
}
