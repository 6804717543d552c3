// Command fakeserver serves a fake Alibaba Cloud KMS and SAE on one port,
// for tools and tests in any language, docker compose setups and shell
// scripts:
//
//	go run ./examples/fakeserver -addr 127.0.0.1:8088 -seed seed.json
//
// It prints its base URL (http://127.0.0.1:8088) on the first line of its
// output, then serves until interrupted:
//
//   - KMS (RPC style, API 2016-01-20) at "/": GetSecretValue,
//     BatchGetSecretValue, DescribeSecret, ListSecrets and
//     ListSecretVersionIds, as package kmstest serves them;
//   - SAE (ROA style, API 2019-05-06) under "/pop/": DescribeSecret
//     (GET /pop/v1/sam/secret/secret) and ListSecrets
//     (GET /pop/v1/sam/secret/secrets), as package saetest serves them.
//
// Every request must be signed with an access key of the seed file (RPC v1,
// ROA v1 or ACS3-HMAC-SHA256, within 15 minutes of the server's clock, with
// a fresh nonce when it carries one), as the real gateways check; answers
// and errors have the documented bodies. Point a client at it with its
// endpoint setting (here: Endpoint "http://127.0.0.1:8088" for both
// services) and the seed's access key.
//
// The seed file (JSON; unknown fields are an error that names them):
//
//	{
//	  "accessKeys": [{"id": "LTAIexample", "secret": "example-secret"}],
//	  "kms": [{"name": "prod/db-password", "data": "s3cr3t", "dataType": "text", "type": "Generic",
//	           "versionId": "v1", "stages": ["ACSCurrent"], "tags": {"team": "payments"}}],
//	  "sae": [{"namespaceId": "cn-beijing:prod", "secretId": 16, "name": "registry-auth",
//	           "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "eyJhdXRocyI6e319"}}]
//	}
//
// A KMS secret with several versions lists "versions": [{"versionId",
// "data", "stages"}] instead of data/versionId/stages; versionId defaults
// to "v1" and stages to ["ACSCurrent"]. An access key may carry a
// "securityToken" (STS). An SAE secretId of 0 or absent is assigned.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run serves until ctx ends; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8088", "address to listen on; port 0 picks a free one")
	seedPath := fs.String("seed", "", "seed file (JSON) with the access keys and secrets; required")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "fakeserver: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}
	if *seedPath == "" {
		fmt.Fprintln(stderr, "fakeserver: -seed is required (format: go doc ./examples/fakeserver)")
		return 2
	}
	seed, err := LoadSeed(*seedPath)
	if err != nil {
		fmt.Fprintln(stderr, "fakeserver:", err)
		return 1
	}
	fakes, err := Start(seed)
	if err != nil {
		fmt.Fprintln(stderr, "fakeserver:", err)
		return 1
	}
	defer fakes.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "fakeserver:", err)
		return 1
	}
	hs := &http.Server{Handler: fakes, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "http://%s\n", ln.Addr())
	fmt.Fprintf(stdout, "serving KMS at / and SAE under /pop/: %d access keys, %d KMS secrets, %d SAE secrets\n",
		len(seed.AccessKeys), len(seed.KMS), len(seed.SAE))
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintln(stderr, "fakeserver:", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	return 0
}
