// Package kms reads secrets from Alibaba Cloud KMS Secrets Manager (RPC
// style, API version 2016-01-20): [Client.GetSecretValue],
// [Client.BatchGetSecretValue], [Client.DescribeSecret],
// [Client.ListSecrets] and [Client.ListSecretVersionIDs] with the iterators
// [Client.AllSecrets] and [Client.AllSecretVersions], and a [Cache].
//
//	client, err := kms.New(kms.Options{Region: "cn-hangzhou"}) // validates; no I/O
//	if err != nil {
//		return err
//	}
//	out, err := client.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "prod/db-password"})
//	if err != nil {
//		return err
//	}
//	password := out.SecretData
//
// A Client is safe for concurrent use: build one at startup and share it.
// Requests go over HTTPS to kms.<region>.aliyuncs.com (kms-vpc.<region>
// with Network "vpc"; Endpoint overrides the host). Every operation takes
// per-call overrides: client.GetSecretValue(ctx, in, func(o *kms.Options) { o.RetryMaxAttempts = 1 }).
// With [Options].InstanceEndpoint (and InstanceCACert, trusted for that
// host only), GetSecretValue goes to a KMS instance gateway and the
// management operations to the shared gateway.
//
// Credentials: Options.Credentials, or credentials-go's default chain
// (environment, OIDC/RRSA, CLI profile, credentials file, ECS RAM role,
// credentials URI); when it finds nothing, calls fail with
// [ErrNoCredentials]. In tests and CI set
// ALIBABA_CLOUD_ECS_METADATA_DISABLED=true.
//
// Errors: an error answer is an [*APIError], matched by code with
// errors.Is ([ErrSecretNotFound], [ErrThrottled], ...); bad input fails
// before sending, matching [ErrInvalidInput] and naming the field. No
// error, log line or observer event holds a secret value, a credential or
// a signature, and fmt and slog print [GetSecretValueOutput].SecretData as
// "[redacted]".
//
// Retries (package retry): throttling is retried for as long as the
// context allows, connection errors and 5xx up to Options.RetryMaxAttempts
// attempts, and a clock-skew answer once, with the client's clock
// corrected. Options.Observer sees every call and attempt (the otel module
// adapts it to OpenTelemetry).
//
// Testing: package kmstest serves KMS in-process (signatures checked,
// faults, rate limits, an instance gateway with its own CA); [API] lists
// the operations for those who prefer mocks.
package kms
