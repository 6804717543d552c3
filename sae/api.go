package sae

import "context"

// API lists the operations of a [Client], for code that prefers a mock of
// its own to a fake server: depend on sae.API and pass a *Client in
// production. The fake in package saetest is usually the better test
// double: it runs the real client (signing, retries, error decoding)
// against the wire format, where a mock checks none of that.
type API interface {
	DescribeSecret(ctx context.Context, in *DescribeSecretInput, optFns ...func(*Options)) (*DescribeSecretOutput, error)
	DescribeSecretByName(ctx context.Context, in *DescribeSecretByNameInput, optFns ...func(*Options)) (*DescribeSecretOutput, error)
	ListSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) (*ListSecretsOutput, error)
}

var _ API = (*Client)(nil)
