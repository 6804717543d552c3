// Package sae reads secrets from Alibaba Cloud Serverless App Engine
// (ROA style, API version 2019-05-06): DescribeSecret (GET
// /pop/v1/sam/secret/secret, by id), ListSecrets (GET
// /pop/v1/sam/secret/secrets, names and ids without data) and
// DescribeSecretByName (the two together).
//
// # Getting started
//
//	client, err := sae.New(sae.Options{Region: "cn-beijing"})
//	if err != nil {
//		return err // bad options; New does no I/O
//	}
//	out, err := client.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "cn-beijing:prod", SecretID: 16})
//	if err != nil {
//		return err
//	}
//	values, err := out.Secret.Decoded() // Kubernetes-style base64 values
//
// Users often know a secret by name; DescribeSecretByName finds its id with
// ListSecrets (names are unique in a namespace) and describes it:
//
//	out, err := client.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:prod", SecretName: "registry-auth"})
//
// A Client is safe for concurrent use. Requests go over HTTPS to
// sae.<region>.aliyuncs.com (sae-vpc.<region> with Network "vpc"; Endpoint
// overrides the host). Image-registry secrets read with Secret.DockerConfig.
//
// # Credentials
//
// As in package kms: Options.Credentials nil means credentials-go's default
// chain (environment, OIDC/RRSA, CLI profile, credentials file, ECS RAM
// role, credentials URI); any credentials.Credential or
// signer.StaticCredentials works.
//
// # Errors
//
// SAE wraps every answer in an envelope; "Success": false is an *APIError
// (alias of signer.APIError) even under HTTP 200, its Code taken from
// ErrorCode. A 2xx answer that is not the operation's document (not JSON,
// no "Success": true, no Data naming a secret) is an *APIError with an
// empty code. errors.Is classifies by code, not status: SAE answers a missing
// secret (InvalidSecretId.NotFound) with HTTP 400.
//
//	_, err := client.DescribeSecret(ctx, in)
//	switch {
//	case errors.Is(err, sae.ErrSecretNotFound): // missing secret or namespace
//	case errors.Is(err, signer.ErrInvalidCredentials):
//	case errors.Is(err, signer.ErrAccessDenied):
//	}
//	var apiErr *sae.APIError
//	if errors.As(err, &apiErr) {
//		log.Printf("SAE said %s (request id %s, trace id %s)", apiErr.Code, apiErr.RequestID, apiErr.TraceID)
//	}
//
// # Retries
//
// As in package kms (policy: package retry): throttling retried for as long
// as the context allows, honouring x-acs-retry-after and Retry-After;
// connection errors, 5xx and transient service codes (including those SAE
// reports with "Success": false) up to RetryMaxAttempts attempts (default
// 3) within a retry budget shared by the client's calls; every attempt
// signed afresh; no wait past the context's deadline; one immediate retry
// after a clock-skew answer.
//
// # Testing
//
// Package saetest starts an in-process SAE that verifies ROA v1 and ACS3
// signatures and serves the secrets a test puts in. Secret and
// DescribeSecretOutput print data keys but not values under fmt and slog.
package sae
