package sae

import (
	"context"
	"fmt"
)

// DescribeSecretByNameInput is the input of DescribeSecretByName.
type DescribeSecretByNameInput struct {
	// NamespaceID is the namespace, e.g. "cn-beijing:prod". Required.
	NamespaceID string
	// SecretName is the secret's name, unique within its namespace (SAE
	// secrets are Kubernetes secrets). Required.
	SecretName string
}

// DescribeSecretByName returns the secret of that name with its data. It
// makes two calls: ListSecrets to find the secret's id, then DescribeSecret.
//
// Errors: a nil input, an empty NamespaceID or SecretName fails before
// anything is sent (signer.ErrInvalidInput, naming the field). No secret of
// that name, or an unknown namespace, matches ErrSecretNotFound; for a name
// that is not listed the message names the namespace and the name, and
// there is no *APIError to extract. Otherwise the errors of ListSecrets
// and DescribeSecret.
func (c *Client) DescribeSecretByName(ctx context.Context, in *DescribeSecretByNameInput, optFns ...func(*Options)) (*DescribeSecretOutput, error) {
	const op = "DescribeSecretByName"
	switch {
	case in == nil:
		return nil, invalid(op, "input is nil")
	case in.NamespaceID == "":
		return nil, invalid(op, "DescribeSecretByNameInput.NamespaceID is required")
	case in.SecretName == "":
		return nil, invalid(op, "DescribeSecretByNameInput.SecretName is required")
	}
	list, err := c.ListSecrets(ctx, &ListSecretsInput{NamespaceID: in.NamespaceID}, optFns...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, s := range list.Secrets {
		if s.SecretName == in.SecretName {
			ids = append(ids, s.SecretID)
		}
	}
	switch len(ids) {
	case 0:
		return nil, fmt.Errorf("sae %s: %w: no secret named %q in namespace %q (ListSecrets request id %s)",
			op, ErrSecretNotFound, in.SecretName, in.NamespaceID, list.RequestID)
	case 1:
	default:
		return nil, fmt.Errorf("sae %s: %d secrets named %q in namespace %q (ids %v); use DescribeSecret with an id",
			op, len(ids), in.SecretName, in.NamespaceID, ids)
	}
	if ids[0] < 1 {
		return nil, fmt.Errorf("sae %s: ListSecrets gave secret %q in namespace %q the id %d, not a positive number",
			op, in.SecretName, in.NamespaceID, ids[0])
	}
	return c.DescribeSecret(ctx, &DescribeSecretInput{NamespaceID: in.NamespaceID, SecretID: ids[0]}, optFns...)
}
