package sae

// Resource paths of the SAE operations this client calls (ROA style).
const (
	// DescribeSecretPath is the resource path of DescribeSecret.
	DescribeSecretPath = "/pop/v1/sam/secret/secret"
	// ListSecretsPath is the resource path of ListSecrets.
	ListSecretsPath = "/pop/v1/sam/secret/secrets"
)
