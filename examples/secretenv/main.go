// Command secretenv runs a command with secrets in its environment:
//
//	secretenv -region cn-hangzhou \
//	    -kms DB_PASSWORD=prod/db-password \
//	    -sae REGISTRY_AUTH=cn-hangzhou:prod:registry-auth/.dockerconfigjson \
//	    -- ./server --port 8080
//
// It fetches every secret first (the ACSCurrent KMS values with
// BatchGetSecretValue, 20 a request, through kms.Cache.Preload); if any
// fetch fails it exits with status 1 and a message naming the variable
// and the secret, and the command never starts. Values
// go only into the command's environment, never to secretenv's own output.
// On Unix the command replaces secretenv (exec); elsewhere it runs as a
// child and its exit status is passed on.
//
// Specs:
//
//	-kms VAR=secret-name[@stage]   KMS secret value (stage default ACSCurrent)
//	-kms-prefix PREFIX             every KMS secret whose name starts with PREFIX
//	-sae VAR=namespace:name        SAE secret by name: the whole data map as JSON
//	-sae VAR=namespace:name/key    one key's value
//	-sae VAR=namespace:id[/key]    SAE secret by numeric id (digits only)
//	-decode                        base64-decode SAE values (Kubernetes-style)
//
// The namespace is everything before the last ":" (cn-hangzhou:prod, or
// cn-hangzhou for the default namespace); a reference of digits only is a
// secret id (DescribeSecret), anything else a secret name (ListSecrets to
// find it, then DescribeSecret).
//
// -kms-prefix (repeatable) lists the secrets whose names start with
// PREFIX (ListSecrets) and takes each one's ACSCurrent value; secrets
// scheduled for deletion are left out, and a prefix no secret has is an
// error. The variable is the name without
// the prefix, upper-cased, with every character other than A-Z and 0-9
// turned into "_", leading "_" dropped and "_" put before a leading digit:
// with -kms-prefix prod/app/, prod/app/db-password becomes DB_PASSWORD.
// Two secrets giving the same variable, or a variable a -kms or -sae flag
// also sets, is an error naming both, and the command does not start.
//
// Credentials come from credentials-go's default chain (environment,
// profiles, ECS RAM role, OIDC/RRSA). -kms-endpoint and -sae-endpoint
// point at other endpoints, such as the kmstest/saetest fakes or
// examples/fakeserver (the same URL for both).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
)

func main() {
	env, argv, code := prepare(context.Background(), os.Args[1:], os.Environ(), os.Stderr)
	if argv == nil {
		os.Exit(code)
	}
	os.Exit(execCommand(argv, env, os.Stderr))
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

type kmsSpec struct{ env, name, stage string }

type saeSpec struct {
	env, namespace, key string
	id                  int64  // set when the reference is a number
	name                string // set otherwise
}

// ref names the secret in messages.
func (s saeSpec) ref() string {
	if s.name != "" {
		return fmt.Sprintf("%q in %s", s.name, s.namespace)
	}
	return fmt.Sprintf("%d in %s", s.id, s.namespace)
}

func parseVar(spec string) (string, string, error) {
	name, ref, ok := strings.Cut(spec, "=")
	if !ok || name == "" || ref == "" {
		return "", "", fmt.Errorf("%q: want VAR=SOURCE", spec)
	}
	for i, c := range name {
		if !(c == '_' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9') {
			return "", "", fmt.Errorf("%q: %q is not an environment variable name", spec, name)
		}
	}
	return name, ref, nil
}

func parseKMS(spec string) (kmsSpec, error) {
	env, ref, err := parseVar(spec)
	if err != nil {
		return kmsSpec{}, err
	}
	s := kmsSpec{env: env, name: ref}
	if i := strings.LastIndex(ref, "@"); i > 0 {
		s.name, s.stage = ref[:i], ref[i+1:]
	}
	return s, nil
}

func parseSAE(spec string) (saeSpec, error) {
	env, ref, err := parseVar(spec)
	if err != nil {
		return saeSpec{}, err
	}
	s := saeSpec{env: env}
	if i := strings.LastIndex(ref, "/"); i >= 0 {
		ref, s.key = ref[:i], ref[i+1:]
		if s.key == "" {
			return saeSpec{}, fmt.Errorf("%q: empty key after /", spec)
		}
	}
	i := strings.LastIndex(ref, ":")
	if i <= 0 || i == len(ref)-1 {
		return saeSpec{}, fmt.Errorf("%q: want VAR=namespace:name[/key] or VAR=namespace:id[/key]", spec)
	}
	s.namespace, ref = ref[:i], ref[i+1:]
	if strings.Trim(ref, "0123456789") != "" {
		s.name = ref
		return s, nil
	}
	if s.id, err = strconv.ParseInt(ref, 10, 64); err != nil || s.id < 1 {
		return saeSpec{}, fmt.Errorf("%q: secret id %q is not a positive number", spec, ref)
	}
	return s, nil
}

// prepare parses the arguments and fetches every secret. It returns the
// child's environment and argv, or a nil argv and the exit status.
func prepare(ctx context.Context, args, environ []string, stderr io.Writer) ([]string, []string, int) {
	fs := flag.NewFlagSet("secretenv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var kmsSpecs, saeSpecs multiFlag
	fs.Var(&kmsSpecs, "kms", "VAR=secret-name[@stage] (repeatable)")
	fs.Var(&saeSpecs, "sae", "VAR=namespace:name[/key] or VAR=namespace:id[/key] (repeatable)")
	var kmsPrefixes multiFlag
	fs.Var(&kmsPrefixes, "kms-prefix", "every KMS secret whose name starts with `PREFIX`, as PREFIX-less upper-case variables (repeatable)")
	region := fs.String("region", "", "region id (default ALIBABA_CLOUD_REGION_ID)")
	kmsEndpoint := fs.String("kms-endpoint", "", "KMS endpoint override")
	saeEndpoint := fs.String("sae-endpoint", "", "SAE endpoint override")
	decode := fs.Bool("decode", false, "base64-decode SAE values")
	timeout := fs.Duration("timeout", 30*time.Second, "deadline for fetching every secret")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, 0
		}
		return nil, nil, 2
	}
	argv := fs.Args()
	fail := func(code int, format string, a ...any) ([]string, []string, int) {
		fmt.Fprintf(stderr, "secretenv: "+format+"\n", a...)
		return nil, nil, code
	}
	if len(argv) == 0 {
		return fail(2, "no command: secretenv [flags] -- command [args]")
	}
	if len(kmsSpecs)+len(saeSpecs)+len(kmsPrefixes) == 0 {
		return fail(2, "no secrets: give -kms, -kms-prefix and/or -sae")
	}
	for _, p := range kmsPrefixes {
		if p == "" {
			return fail(2, "-kms-prefix: empty prefix")
		}
	}
	var ks []kmsSpec
	for _, spec := range kmsSpecs {
		s, err := parseKMS(spec)
		if err != nil {
			return fail(2, "-kms %v", err)
		}
		ks = append(ks, s)
	}
	var ss []saeSpec
	for _, spec := range saeSpecs {
		s, err := parseSAE(spec)
		if err != nil {
			return fail(2, "-sae %v", err)
		}
		ss = append(ss, s)
	}

	// Without a region the clients cannot build an endpoint: say which
	// flag the user left out rather than which field of Options.
	kmsNeedsRegion := len(ks)+len(kmsPrefixes) > 0 && *kmsEndpoint == ""
	saeNeedsRegion := len(ss) > 0 && *saeEndpoint == ""
	if *region == "" && os.Getenv("ALIBABA_CLOUD_REGION_ID") == "" && (kmsNeedsRegion || saeNeedsRegion) {
		return fail(2, "no region: give -region (or set ALIBABA_CLOUD_REGION_ID)")
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	values, err := fetchAll(ctx, request{kms: ks, sae: ss, prefixes: kmsPrefixes, region: *region,
		kmsEndpoint: *kmsEndpoint, saeEndpoint: *saeEndpoint, decode: *decode})
	if err != nil {
		return fail(1, "%v", err)
	}
	return mergeEnv(environ, values), argv, 0
}

// request is what the flags ask for.
type request struct {
	kms                      []kmsSpec
	sae                      []saeSpec
	prefixes                 []string
	region                   string
	kmsEndpoint, saeEndpoint string
	decode                   bool
}

// fetchAll reads every secret r names, by variable.
func fetchAll(ctx context.Context, r request) (map[string]string, error) {
	values := map[string]string{}
	if len(r.kms)+len(r.prefixes) > 0 {
		c, err := kms.New(kms.Options{Region: r.region, Endpoint: r.kmsEndpoint, UserAgent: "secretenv"})
		if err != nil {
			return nil, err
		}
		taken := map[string]bool{}
		for _, s := range r.kms {
			taken[s.env] = true
		}
		for _, s := range r.sae {
			taken[s.env] = true
		}
		listed, err := listPrefixes(ctx, c, r.prefixes, taken)
		if err != nil {
			return nil, err
		}
		cache := kms.NewCache(c, kms.CacheOptions{})
		defer cache.Close()
		if err := fetchKMS(ctx, cache, append(r.kms, listed...), values); err != nil {
			return nil, err
		}
	}
	if len(r.sae) > 0 {
		c, err := sae.New(sae.Options{Region: r.region, Endpoint: r.saeEndpoint, UserAgent: "secretenv"})
		if err != nil {
			return nil, err
		}
		for _, s := range r.sae {
			v, err := fetchSAE(ctx, c, s, r.decode)
			if err == nil {
				err = settable(v)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: SAE secret %s: %w", s.env, s.ref(), err)
			}
			values[s.env] = v
		}
	}
	return values, nil
}

// fetchKMS reads the KMS secrets into values: the ACSCurrent ones with one
// BatchGetSecretValue request per 20 (Cache.Preload), then each from the
// cache, which fetches the other stages.
func fetchKMS(ctx context.Context, cache *kms.Cache, specs []kmsSpec, values map[string]string) error {
	var current []string
	for _, s := range specs {
		if s.stage == "" || s.stage == "ACSCurrent" {
			current = append(current, s.name)
		}
	}
	if err := cache.Preload(ctx, current...); err != nil {
		var failed kms.BatchError
		if !errors.As(err, &failed) {
			return fmt.Errorf("KMS: %w", err)
		}
		for _, s := range specs {
			if s.name == failed.SecretName {
				return fmt.Errorf("%s: KMS secret %q: %w", s.env, s.name, failed.Err)
			}
		}
		return err
	}
	for _, s := range specs {
		out, err := cache.GetVersionStage(ctx, s.name, s.stage)
		if errors.Is(err, kms.ErrSecretNotFound) && s.stage != "" {
			// Not found answers a missing stage as it does a missing
			// secret: tell them apart for the user.
			if _, cerr := cache.Get(ctx, s.name); cerr == nil {
				return fmt.Errorf("%s: KMS secret %q has no version with stage %q", s.env, s.name, s.stage)
			}
		}
		if err == nil {
			err = settable(out.SecretData)
		}
		if err != nil {
			return fmt.Errorf("%s: KMS secret %q: %w", s.env, s.name, err)
		}
		values[s.env] = out.SecretData
	}
	return nil
}

// settable reports a value the environment cannot hold: exec(2) takes
// NUL-terminated strings, and would fail with a bare "invalid argument".
func settable(v string) error {
	if strings.IndexByte(v, 0) >= 0 {
		return errors.New("the value holds a NUL byte, which an environment variable cannot hold")
	}
	return nil
}

func fetchSAE(ctx context.Context, c *sae.Client, s saeSpec, decode bool) (string, error) {
	var out *sae.DescribeSecretOutput
	var err error
	if s.name != "" {
		out, err = c.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: s.namespace, SecretName: s.name})
	} else {
		out, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: s.namespace, SecretID: s.id})
	}
	if err != nil {
		return "", err
	}
	data := out.Secret.SecretData
	if decode {
		decoded, err := out.Secret.Decoded()
		if err != nil {
			return "", err
		}
		data = make(map[string]string, len(decoded))
		for k, v := range decoded {
			data[k] = string(v)
		}
	}
	if s.key != "" {
		v, ok := data[s.key]
		if !ok {
			return "", fmt.Errorf("the secret has no key %q", s.key)
		}
		return v, nil
	}
	b, err := json.Marshal(data)
	return string(b), err
}

// mergeEnv returns environ with values set, replacing earlier definitions.
func mergeEnv(environ []string, values map[string]string) []string {
	out := make([]string, 0, len(environ)+len(values))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if _, replaced := values[name]; !replaced {
			out = append(out, kv)
		}
	}
	for k, v := range values {
		out = append(out, k+"="+v)
	}
	return out
}
