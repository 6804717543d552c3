package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/alisecret/alisecret-go/kms"
)

// prefixEnvName derives the variable for a KMS secret taken by
// -kms-prefix: the name without the prefix, upper-cased, every character
// other than A-Z and 0-9 turned into "_", leading "_" dropped, and "_" put
// in front of a leading digit. With prefix "prod/app/",
// "prod/app/db-password" gives DB_PASSWORD and "prod/app/2fa.key" gives
// _2FA_KEY. A name that leaves nothing is an error.
func prefixEnvName(prefix, name string) (string, error) {
	rest := strings.TrimPrefix(name, prefix)
	var b strings.Builder
	for _, c := range strings.ToUpper(rest) {
		if 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	env := strings.TrimLeft(b.String(), "_")
	if env == "" {
		return "", fmt.Errorf("secret %q: no variable name is left after the prefix %q", name, prefix)
	}
	if env[0] >= '0' && env[0] <= '9' {
		env = "_" + env
	}
	return env, nil
}

// listPrefixes lists the KMS secrets under each prefix (ListSecrets,
// every page) and returns a spec for the ACSCurrent value of each, under
// its derived name. Secrets scheduled for deletion are left out; a prefix
// no secret has is an error, as a misspelt one would be. A derived name
// that another secret, or a -kms / -sae flag (taken), already gives is an
// error naming both.
func listPrefixes(ctx context.Context, c *kms.Client, prefixes []string, taken map[string]bool) ([]kmsSpec, error) {
	from := map[string]string{} // variable -> secret it came from
	var specs []kmsSpec
	for _, prefix := range prefixes {
		var names []string
		in := &kms.ListSecretsInput{Filters: []kms.Filter{{Key: "SecretName", Values: []string{prefix}}}}
		for s, err := range c.AllSecrets(ctx, in) {
			if err != nil {
				return nil, fmt.Errorf("-kms-prefix %q: listing secrets: %w", prefix, err)
			}
			// KMS matches the SecretName filter loosely: keep the prefix only.
			if strings.HasPrefix(s.SecretName, prefix) && s.PlannedDeleteTime.IsZero() {
				names = append(names, s.SecretName)
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("-kms-prefix %q: no secret's name starts with it", prefix)
		}
		sort.Strings(names)
		for _, name := range names {
			env, err := prefixEnvName(prefix, name)
			if err != nil {
				return nil, fmt.Errorf("-kms-prefix %q: %w", prefix, err)
			}
			if other, ok := from[env]; ok {
				if other == name {
					continue // the same secret under two prefixes
				}
				return nil, fmt.Errorf("-kms-prefix %q: secrets %q and %q both give %s", prefix, other, name, env)
			}
			if taken[env] {
				return nil, fmt.Errorf("-kms-prefix %q: secret %q gives %s, which a -kms or -sae flag sets too", prefix, name, env)
			}
			from[env] = name
			specs = append(specs, kmsSpec{env: env, name: name})
		}
	}
	return specs, nil
}
