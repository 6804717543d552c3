package kms

import (
	"context"
	"iter"
)

// API lists the operations of a [Client], for code that prefers a mock of
// its own to a fake server: depend on kms.API and pass a *Client in
// production. The fake in package kmstest is usually the better test
// double: it runs the real client (signing, retries, error decoding)
// against the wire format, where a mock checks none of that.
type API interface {
	GetSecretValue(ctx context.Context, in *GetSecretValueInput, optFns ...func(*Options)) (*GetSecretValueOutput, error)
	BatchGetSecretValue(ctx context.Context, in *BatchGetSecretValueInput, optFns ...func(*Options)) (*BatchGetSecretValueOutput, error)
	DescribeSecret(ctx context.Context, in *DescribeSecretInput, optFns ...func(*Options)) (*DescribeSecretOutput, error)
	ListSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) (*ListSecretsOutput, error)
	ListSecretVersionIDs(ctx context.Context, in *ListSecretVersionIDsInput, optFns ...func(*Options)) (*ListSecretVersionIDsOutput, error)
	AllSecrets(ctx context.Context, in *ListSecretsInput, optFns ...func(*Options)) iter.Seq2[SecretSummary, error]
	AllSecretVersions(ctx context.Context, in *ListSecretVersionIDsInput, optFns ...func(*Options)) iter.Seq2[SecretVersion, error]
}

var _ API = (*Client)(nil)
