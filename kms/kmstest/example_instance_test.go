package kmstest_test

import (
	"context"
	"fmt"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// A KMS instance gateway in front of the fake: GetSecretValue goes to the
// instance over TLS with its private CA, DescribeSecret to the shared
// gateway.
func ExampleServer_StartInstance() {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("prod/db-password", "s3cr3t")
	inst := srv.StartInstance()
	defer inst.Close()

	// In production: kms.New(kms.Options{Region: "cn-hangzhou",
	// InstanceEndpoint: "https://kst-....cryptoservice.kms.aliyuncs.com",
	// InstanceCACert: caPEM}). inst.Client sets the same fields.
	client, err := kms.New(kms.Options{
		Endpoint:         srv.URL,
		InstanceEndpoint: inst.URL,
		InstanceCACert:   inst.CACertPEM(),
		Credentials:      srv.Credentials(),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	out, err := client.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "prod/db-password"})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "prod/db-password"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.SecretData)
	fmt.Println("instance requests:", inst.Requests(), "shared requests:", srv.Requests())
	// Output:
	// s3cr3t
	// instance requests: 1 shared requests: 1
}

// Listing secrets by name, page after page, on the fake.
func ExampleServer_listSecrets() {
	srv := kmstest.NewServer()
	defer srv.Close()
	for _, name := range []string{"prod/db", "prod/api-key", "stage/db"} {
		srv.PutSecretValue(name, "value")
	}
	client, err := srv.Client()
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &kms.ListSecretsInput{PageSize: 1, Filters: []kms.Filter{{Key: "SecretName", Values: []string{"prod/"}}}}
	for s, err := range client.AllSecrets(context.Background(), in) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(s.SecretName)
	}
	fmt.Println("requests:", srv.Requests())
	// Output:
	// prod/api-key
	// prod/db
	// requests: 2
}

// Versions and their stages after two rotations.
func ExampleServer_listSecretVersions() {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("db", "one")
	srv.PutSecretValue("db", "two")
	srv.PutSecretValue("db", "three") // "one" keeps no stage: deprecated
	client, err := srv.Client()
	if err != nil {
		fmt.Println(err)
		return
	}
	in := &kms.ListSecretVersionIDsInput{SecretName: "db", IncludeDeprecated: true}
	for v, err := range client.AllSecretVersions(context.Background(), in) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(v.VersionID, v.VersionStages)
	}
	// Output:
	// 00000000000000000000000000000001 []
	// 00000000000000000000000000000002 [ACSPrevious]
	// 00000000000000000000000000000003 [ACSCurrent]
}
