// Command quickstart reads secrets with alisecret-go.
//
// With no Alibaba Cloud credentials configured it starts the built-in fake
// KMS and SAE servers, puts example secrets in them, and runs all three
// operations through the real clients:
//
//	go run ./examples/quickstart
//
// With credentials configured (ALIBABA_CLOUD_ACCESS_KEY_ID and
// ALIBABA_CLOUD_ACCESS_KEY_SECRET, or any source credentials-go knows) it
// talks to the real cloud:
//
//	go run ./examples/quickstart -region cn-hangzhou -secret prod/db-password
//	go run ./examples/quickstart -region cn-beijing -namespace cn-beijing:prod -secret-id 16
//	go run ./examples/quickstart -region cn-beijing -namespace cn-beijing:prod -sae-name registry-auth
//
// -endpoint sends both services' requests to one base URL instead, such
// as examples/fakeserver's (its seed's access key in the environment):
//
//	ALIBABA_CLOUD_ACCESS_KEY_ID=LTAIexample ALIBABA_CLOUD_ACCESS_KEY_SECRET=example-secret \
//	    go run ./examples/quickstart -endpoint http://127.0.0.1:8088 -secret prod/db-password
//
// Secret values print as [redacted] unless -show-values is given.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/signer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type config struct {
	mode       string
	region     string
	secret     string
	stage      string
	namespace  string
	secretID   int64
	saeName    string
	endpoint   string
	showValues bool
	timeout    time.Duration
	v3         bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.mode, "mode", "auto", `"fake" (built-in servers), "cloud", or "auto": cloud when credentials are configured or -endpoint is given`)
	fs.StringVar(&c.region, "region", os.Getenv("ALIBABA_CLOUD_REGION_ID"), "region id (cloud mode)")
	fs.StringVar(&c.secret, "secret", "", "KMS secret name (cloud mode)")
	fs.StringVar(&c.stage, "stage", "", "KMS version stage (default ACSCurrent)")
	fs.StringVar(&c.namespace, "namespace", "", "SAE namespace id, e.g. cn-beijing:prod (cloud mode)")
	fs.Int64Var(&c.secretID, "secret-id", 0, "SAE secret id (cloud mode)")
	fs.StringVar(&c.saeName, "sae-name", "", "SAE secret name, instead of -secret-id (cloud mode)")
	fs.StringVar(&c.endpoint, "endpoint", "", "base URL for both KMS and SAE, e.g. examples/fakeserver's (cloud mode)")
	fs.BoolVar(&c.showValues, "show-values", false, "print secret values instead of [redacted]")
	fs.DurationVar(&c.timeout, "timeout", 30*time.Second, "deadline for all calls")
	fs.BoolVar(&c.v3, "v3", false, "sign with ACS3-HMAC-SHA256 instead of V1")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	switch c.mode {
	case "auto":
		c.mode = "fake"
		if credentialsConfigured() || c.endpoint != "" {
			c.mode = "cloud"
		}
	case "fake":
		if c.endpoint != "" {
			return c, errors.New("-endpoint is for cloud mode; fake mode starts its own servers")
		}
	case "cloud":
	default:
		return c, fmt.Errorf(`-mode must be "auto", "fake" or "cloud", not %q`, c.mode)
	}
	if c.mode == "cloud" && c.secret == "" && c.namespace == "" {
		return c, errors.New("cloud mode: give -secret NAME (KMS) and/or -namespace NS with -sae-name NAME or -secret-id ID (SAE); or -mode fake to try the built-in servers")
	}
	switch {
	case c.namespace != "" && c.saeName != "" && c.secretID != 0:
		return c, errors.New("give -sae-name or -secret-id, not both")
	case c.namespace != "" && c.saeName == "" && c.secretID < 1:
		return c, errors.New("-namespace needs -sae-name or -secret-id (a positive number)")
	case c.namespace == "" && (c.saeName != "" || c.secretID != 0):
		return c, errors.New("-sae-name and -secret-id need -namespace")
	}
	return c, nil
}

// credentialsConfigured reports whether any credentials-go source is
// configured, without network I/O: the environment variables of the
// default chain, or its profile files.
func credentialsConfigured() bool {
	for _, v := range []string{"ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_OIDC_TOKEN_FILE", "ALIBABA_CLOUD_CREDENTIALS_URI", "ALIBABA_CLOUD_ECS_METADATA"} {
		if os.Getenv(v) != "" {
			return true
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return false
	}
	for _, f := range []string{os.Getenv("ALIBABA_CLOUD_CREDENTIALS_FILE"), filepath.Join(home, ".alibabacloud", "credentials"), filepath.Join(home, ".aliyun", "config.json")} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err == nil {
			return true
		}
	}
	return false
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "quickstart:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	if err := runMode(ctx, cfg, stdout); err != nil {
		fmt.Fprintln(stderr, "quickstart:", err)
		return 1
	}
	return 0
}

func runMode(ctx context.Context, cfg config, out io.Writer) error {
	sigVersion := signer.V1
	if cfg.v3 {
		sigVersion = signer.V3
	}
	var (
		kmsClient *kms.Client
		saeClient *sae.Client
		err       error
	)
	if cfg.mode == "fake" {
		fmt.Fprintln(out, "mode: fake (no Alibaba Cloud credentials configured; using the built-in kmstest and saetest servers)")
		kmsSrv, saeSrv, name, ns, saeName, err := startFakes()
		if err != nil {
			return err
		}
		defer kmsSrv.Close()
		defer saeSrv.Close()
		cfg.secret, cfg.namespace, cfg.saeName = name, ns, saeName
		if kmsClient, err = kmsSrv.Client(func(o *kms.Options) { o.SignatureVersion = sigVersion }); err != nil {
			return err
		}
		if saeClient, err = saeSrv.Client(func(o *sae.Options) { o.SignatureVersion = sigVersion }); err != nil {
			return err
		}
	} else {
		if cfg.endpoint != "" {
			fmt.Fprintf(out, "mode: cloud (endpoint %s, credentials from credentials-go's default chain)\n", cfg.endpoint)
		} else {
			fmt.Fprintf(out, "mode: cloud (region %s, credentials from credentials-go's default chain)\n", orNone(cfg.region))
		}
		if cfg.secret != "" {
			if kmsClient, err = kms.New(kms.Options{Region: cfg.region, Endpoint: cfg.endpoint, SignatureVersion: sigVersion, UserAgent: "quickstart"}); err != nil {
				return err
			}
		}
		if cfg.namespace != "" {
			if saeClient, err = sae.New(sae.Options{Region: cfg.region, Endpoint: cfg.endpoint, SignatureVersion: sigVersion, UserAgent: "quickstart"}); err != nil {
				return err
			}
		}
	}
	if kmsClient != nil {
		if err := showKMS(ctx, out, kmsClient, cfg); err != nil {
			return err
		}
	}
	if saeClient != nil {
		if err := showSAE(ctx, out, saeClient, cfg); err != nil {
			return err
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "from ALIBABA_CLOUD_REGION_ID: unset"
	}
	return s
}

func value(show bool, v string) string {
	if show {
		return v
	}
	return "[redacted]"
}

func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func showKMS(ctx context.Context, out io.Writer, c *kms.Client, cfg config) error {
	d, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: cfg.secret, FetchTags: true})
	if err != nil {
		return fmt.Errorf("describing KMS secret %q: %w", cfg.secret, err)
	}
	fmt.Fprintf(out, "\nKMS DescribeSecret %s\n", d.SecretName)
	fmt.Fprintf(out, "  arn:          %s\n  type:         %s\n  description:  %s\n", d.ARN, d.SecretType, d.Description)
	fmt.Fprintf(out, "  created:      %s\n  updated:      %s\n", date(d.CreateTime), date(d.UpdateTime))
	fmt.Fprintf(out, "  rotation:     %s every %s, next %s\n", d.AutomaticRotation, d.RotationInterval, date(d.NextRotationDate))
	var tags []string
	for _, t := range d.Tags {
		tags = append(tags, t.Key+"="+t.Value)
	}
	fmt.Fprintf(out, "  tags:         %s\n", strings.Join(tags, ", "))

	v, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: cfg.secret, VersionStage: cfg.stage})
	if err != nil {
		return fmt.Errorf("reading KMS secret %q: %w", cfg.secret, err)
	}
	fmt.Fprintf(out, "\nKMS GetSecretValue %s\n", v.SecretName)
	fmt.Fprintf(out, "  version:      %s %v (created %s)\n", v.VersionID, v.VersionStages, date(v.CreateTime))
	fmt.Fprintf(out, "  data type:    %s, %d bytes\n", v.SecretDataType, len(v.SecretData))
	fmt.Fprintf(out, "  value:        %s\n", value(cfg.showValues, v.SecretData))
	fmt.Fprintf(out, "  request id:   %s\n", v.RequestID)
	return nil
}

func showSAE(ctx context.Context, out io.Writer, c *sae.Client, cfg config) error {
	var (
		d   *sae.DescribeSecretOutput
		err error
	)
	if cfg.saeName != "" {
		d, err = c.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: cfg.namespace, SecretName: cfg.saeName})
		if err != nil {
			return fmt.Errorf("reading SAE secret %q in %s: %w", cfg.saeName, cfg.namespace, err)
		}
	} else if d, err = c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: cfg.namespace, SecretID: cfg.secretID}); err != nil {
		return fmt.Errorf("reading SAE secret %d in %s: %w", cfg.secretID, cfg.namespace, err)
	}
	s := d.Secret
	fmt.Fprintf(out, "\nSAE DescribeSecret %s (id %d)\n", s.SecretName, s.SecretID)
	fmt.Fprintf(out, "  namespace:    %s\n  type:         %s\n  created:      %s\n", s.NamespaceID, s.SecretType, date(s.CreateTime))
	for _, k := range slices.Sorted(maps.Keys(s.SecretData)) {
		fmt.Fprintf(out, "  key:          %s = %s\n", k, value(cfg.showValues, s.SecretData[k]))
	}
	if s.SecretType == "kubernetes.io/dockerconfigjson" {
		auths, err := s.DockerConfig()
		if err != nil {
			return err
		}
		for _, reg := range slices.Sorted(maps.Keys(auths)) {
			fmt.Fprintf(out, "  registry:     %s user %s password %s\n", reg, auths[reg].Username, value(cfg.showValues, auths[reg].Password))
		}
	}
	for _, a := range s.RelateApps {
		fmt.Fprintf(out, "  used by:      %s (%s)\n", a.AppName, a.AppID)
	}
	fmt.Fprintf(out, "  request id:   %s\n", d.RequestID)
	return nil
}
