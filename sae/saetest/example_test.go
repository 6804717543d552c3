package saetest_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// A test of code that reads an SAE secret by name: the fake holds the
// secret, hands out a client pointed at itself, can be told to fail, and
// logs what it was asked.
func Example() {
	srv := saetest.NewServer()
	defer srv.Close()
	_, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretID: 17, SecretName: "db-credentials",
		SecretData: map[string]string{"password": "czNjcjN0"}}) // SAE holds values base64-encoded
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := srv.Client(func(o *sae.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	in := &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:test", SecretName: "db-credentials"}
	out, err := client.DescribeSecretByName(ctx, in)
	if err != nil {
		fmt.Println(err)
		return
	}
	values, err := out.Secret.Decoded()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Secret.SecretID, string(values["password"]))

	srv.FailNext(saetest.Fault{Status: 503, Code: "ServiceUnavailable"})
	_, err = client.DescribeSecretByName(ctx, in)
	fmt.Println(errors.Is(err, sae.ErrServiceUnavailable))

	for _, r := range srv.RequestLog() {
		line := fmt.Sprintf("%s %s %d", r.Style, r.Action, r.Status)
		if r.Code != "" {
			line += " " + r.Code
		}
		fmt.Println(line)
	}
	// Output:
	// 17 s3cr3t
	// true
	// ROA ListSecrets 200
	// ROA DescribeSecret 200
	// ROA ListSecrets 503 ServiceUnavailable
}
