// Package sae reads secrets from Alibaba Cloud Serverless App Engine (ROA
// style, API version 2019-05-06): [Client.DescribeSecret] (by id),
// [Client.ListSecrets] (names and ids, no data) and
// [Client.DescribeSecretByName] (the two together).
//
//	client, err := sae.New(sae.Options{Region: "cn-beijing"}) // validates; no I/O
//	if err != nil {
//		return err
//	}
//	out, err := client.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:prod", SecretName: "registry-auth"})
//	if err != nil {
//		return err
//	}
//	values, err := out.Secret.Decoded() // Kubernetes-style base64 values
//
// A Client is safe for concurrent use. Requests go over HTTPS to
// sae.<region>.aliyuncs.com (sae-vpc.<region> with Network "vpc"; Endpoint
// overrides the host). Credentials, retries, the observer and errors work
// as package kms describes ([Options] is kms.Options). "Success": false is
// an [*APIError] (its Code from ErrorCode) even under HTTP 200, retried
// when its code is transient; a missing secret ([ErrSecretNotFound]) comes
// with HTTP 400. fmt and slog print a [Secret]'s data keys, not its values.
//
// Testing: package saetest serves SAE in-process; [API] lists the
// operations for those who prefer mocks.
package sae
