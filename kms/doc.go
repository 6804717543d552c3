// Package kms reads secrets from Alibaba Cloud KMS Secrets Manager:
// GetSecretValue, DescribeSecret, ListSecretVersionIDs and ListSecrets
// (RPC style, API version 2016-01-20).
//
// # Getting started
//
//	client, err := kms.New(kms.Options{Region: "cn-hangzhou"})
//	if err != nil {
//		return err // bad options; New does no I/O
//	}
//	out, err := client.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "prod/db-password"})
//	if err != nil {
//		return err
//	}
//	password := out.SecretData
//
// A Client is safe for concurrent use: build one at startup and share it.
// Requests go over HTTPS to kms.<region>.aliyuncs.com (kms-vpc.<region> with
// Network "vpc"; Endpoint overrides the host). Every operation takes per-call
// option overrides: client.GetSecretValue(ctx, in, func(o *kms.Options) { o.RetryMaxAttempts = 1 }).
//
// # Versions and listing
//
// ListSecretVersionIDs returns a page of a secret's versions with their
// stages (ACSCurrent, ACSPrevious, custom ones); ListSecrets a page of
// the region's secrets (metadata only), narrowed by Filters. The iterators
// AllSecretVersions and AllSecrets walk every page, fetching the next one
// only when the loop reaches it, so a break sends nothing more:
//
//	in := &kms.ListSecretsInput{Filters: []kms.Filter{{Key: "SecretName", Values: []string{"prod/"}}}}
//	for s, err := range client.AllSecrets(ctx, in) {
//		if err != nil {
//			return err // the first error ends the loop
//		}
//		fmt.Println(s.SecretName, s.UpdateTime)
//	}
//
// # KMS instance gateways
//
// A KMS 3.0 instance has its own gateway
// (kst-<id>.cryptoservice.kms.aliyuncs.com), reachable from its VPC and
// served with the instance's private CA. It takes GetSecretValue signed
// with the usual RAM credentials, but no management operation. With
// Options.InstanceEndpoint and Options.InstanceCACert (the CA as PEM), one
// Client sends GetSecretValue there and DescribeSecret, ListSecrets and
// ListSecretVersionIDs to the shared gateway:
//
//	client, err := kms.New(kms.Options{
//		Region:           "cn-hangzhou",
//		InstanceEndpoint: "https://kst-hzz65f1a2b3c.cryptoservice.kms.aliyuncs.com",
//		InstanceCACert:   caPEM, // trusted for the instance host only
//	})
//
// The CA is added beside the system roots for connections to the instance
// host and nothing else. An http:// instance endpoint needs
// InstanceAllowHTTP. With your own HTTPClient, the CA is added to a copy
// of its *http.Transport; see Options.InstanceCACert.
//
// # Credentials
//
// With Options.Credentials nil, the client uses credentials-go's default
// chain: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET (and
// ALIBABA_CLOUD_SECURITY_TOKEN for STS), OIDC/RRSA on ACK, the Aliyun CLI
// profile, ~/.alibabacloud/credentials, the ECS RAM role, a credentials URI.
// Any credentials.Credential from credentials-go works as Options.Credentials,
// and signer.StaticCredentials(id, secret, token) takes fixed values. One
// retrieval runs at a time and is shared by concurrent calls; a call whose
// context ends does not wait for a slow provider.
//
// # Errors
//
// Answers from KMS that are errors are *APIError (an alias of
// signer.APIError) with the HTTP status, code, message and request id; so
// is a 2xx answer that is not the operation's document (not JSON, or no
// SecretName), with an empty code. errors.Is matches them by code against
// classes:
//
//	out, err := client.GetSecretValue(ctx, in)
//	switch {
//	case errors.Is(err, kms.ErrSecretNotFound): // Forbidden.ResourceNotFound
//	case errors.Is(err, signer.ErrInvalidCredentials): // bad key, signature or token
//	case errors.Is(err, signer.ErrAccessDenied): // RAM says no
//	case errors.Is(err, signer.ErrThrottled):
//	case errors.Is(err, context.DeadlineExceeded):
//	}
//	var apiErr *kms.APIError
//	if errors.As(err, &apiErr) {
//		log.Printf("KMS said %s (request id %s)", apiErr.Code, apiErr.RequestID)
//	}
//
// Bad input fails before anything is sent with an error matching
// signer.ErrInvalidInput that names the field. No error text contains a
// secret value, an access key secret, a security token or a signature.
//
// # Retries
//
// Every attempt is signed afresh and bounded by Options.AttemptTimeout
// (default 10s). Throttled answers (throttling codes, any HTTP 429, any
// answer asking for a wait with x-acs-retry-after) are retried for as long
// as the context allows, after the wait the service asked for plus full
// jitter; connection errors, HTTP 5xx, ServiceUnavailable and
// InternalFailure up to Options.RetryMaxAttempts attempts (default 3), with
// a retry budget shared by the client's calls that holds a failing client
// near one request per second. Credential, permission, parameter and
// not-found errors are never retried. A clock-skew answer teaches the client
// the service's time (from the Date header) and is retried once at once. No
// wait passes the context's deadline. The policy is package retry's
// Standard; Options.Retryer replaces it.
//
// # Caching
//
// Cache serves GetSecretValue from memory: a TTL with jittered expiry (so a
// fleet started together does not refresh together), refresh ahead of
// expiry, stale-while-revalidate within MaxStale (an expired value is
// returned at once while one background fetch runs), single flight for
// concurrent misses, backoff after failed background fetches that honours
// the service's retry-after, an OnChange hook on rotation, and LRU bounds.
// Get returns a CachedSecret, a read-only handle no caller can change for
// another; a hit takes no lock and makes no allocation. See NewCache and
// CacheOptions.
//
// # Testing
//
// Package kmstest starts an in-process KMS that verifies signatures and
// serves the secrets a test puts in; Server.Client returns a Client pointed
// at it; Server.StartInstance adds an instance gateway with its own CA.
// GetSecretValueOutput prints SecretData as "[redacted]" under fmt and
// slog, so logging an output is safe.
package kms
