// Command startup shows the pattern a service uses to load its secrets at
// start: the KMS secrets read with one BatchGetSecretValue request into a
// kms.Cache (Cache.Preload), which then serves them from memory, the SAE
// secret beside them, all under one deadline; a JSON secret decoded into a
// config struct; and a failure that stops the start with an error saying
// which secret and why.
//
//	go run ./examples/startup           # on the built-in fake servers
//	go run ./examples/startup -cloud -region cn-hangzhou -db prod/db -api-key prod/api-key \
//	    -registry-ns cn-hangzhou:prod -registry-id 16 -registry-host registry.cn-hangzhou.aliyuncs.com
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cloud := fs.Bool("cloud", false, "use the real cloud (credentials from credentials-go's default chain)")
	region := fs.String("region", os.Getenv("ALIBABA_CLOUD_REGION_ID"), "region id (-cloud)")
	deadline := fs.Duration("deadline", 15*time.Second, "startup deadline for loading every secret")
	src := Sources{}
	fs.StringVar(&src.DBSecret, "db", "prod/db", "KMS secret holding the database JSON")
	fs.StringVar(&src.APIKeySecret, "api-key", "prod/api-key", "KMS secret holding the API key")
	fs.StringVar(&src.RegistryNS, "registry-ns", "cn-hangzhou:prod", "SAE namespace of the registry secret")
	fs.Int64Var(&src.RegistrySecret, "registry-id", 1, "SAE id of the registry secret")
	fs.StringVar(&src.RegistryHost, "registry-host", "registry.cn-hangzhou.aliyuncs.com", "registry to take credentials for")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var (
		k   *kms.Client
		s   *sae.Client
		err error
	)
	if *cloud {
		if k, err = kms.New(kms.Options{Region: *region}); err == nil {
			s, err = sae.New(sae.Options{Region: *region})
		}
	} else {
		fmt.Fprintln(stdout, "using the built-in fake servers (-cloud for the real ones)")
		var stop func()
		k, s, stop, err = fakes(src)
		if stop != nil {
			defer stop()
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "startup:", err)
		return 1
	}

	// The service keeps the cache for its lifetime: reads after the start
	// come from memory, refreshed every TTL.
	cache := kms.NewCache(k, kms.CacheOptions{})
	defer cache.Close()
	ctx, cancel := context.WithTimeout(context.Background(), *deadline)
	defer cancel()
	cfg, err := LoadConfig(ctx, cache, s, src)
	if err != nil {
		fmt.Fprintln(stderr, "startup: not starting:", err)
		return 1
	}
	fmt.Fprintf(stdout, "config loaded: database %s@%s:%d, API key of %d bytes, registry user %s\n",
		cfg.DB.User, cfg.DB.Host, cfg.DB.Port, len(cfg.APIKey), cfg.Registry.Username)
	return 0
}

// fakes starts kmstest and saetest with the secrets src names.
func fakes(src Sources) (*kms.Client, *sae.Client, func(), error) {
	ks, ss := kmstest.NewServer(), saetest.NewServer()
	stop := func() { ks.Close(); ss.Close() }
	ks.PutSecretValue(src.DBSecret, `{"host":"db.internal","port":5432,"user":"checkout","password":"pg-s3cr3t"}`)
	ks.PutSecretValue(src.APIKeySecret, "ak-0123456789abcdef")
	_, err := ss.PutSecret(saetest.Secret{
		NamespaceID: src.RegistryNS, SecretID: src.RegistrySecret, SecretName: "registry", SecretType: "kubernetes.io/dockerconfigjson",
		SecretData: map[string]string{sae.DockerConfigJSONKey: `{"auths":{"` + src.RegistryHost + `":{"username":"deploy","password":"reg-s3cr3t"}}}`},
	})
	if err != nil {
		return nil, nil, stop, err
	}
	k, err := ks.Client()
	if err != nil {
		return nil, nil, stop, err
	}
	s, err := ss.Client()
	return k, s, stop, err
}
