// Command fakeserver serves a fake Alibaba Cloud KMS and SAE on one port,
// for tools and tests in any language, docker compose setups and shell
// scripts (README.md beside this file shows each official client pointed
// at it):
//
//	go run ./examples/fakeserver -addr 127.0.0.1:8088 -seed seed.json
//
// It prints its base URL (http://127.0.0.1:8088) on the first line of its
// output, then serves until interrupted (SIGINT or SIGTERM):
//
//   - KMS (RPC style, API 2016-01-20) at "/": GetSecretValue,
//     BatchGetSecretValue, DescribeSecret, ListSecrets and
//     ListSecretVersionIds, as package kmstest serves them;
//   - SAE (ROA style, API 2019-05-06) under "/pop/": DescribeSecret
//     (GET /pop/v1/sam/secret/secret) and ListSecrets
//     (GET /pop/v1/sam/secret/secrets), as package saetest serves them;
//   - a control API under "/_fake/" (below).
//
// Every request must be signed with an access key of the seed file (RPC v1,
// ROA v1 or ACS3-HMAC-SHA256), dated within 15 minutes of the server's
// clock, with a fresh nonce of at most 64 bytes when it carries one (a ROA
// request may carry none), as the real gateways check. A ROA request is
// routed by method and path, so x-acs-action may be left out (the aliyun
// CLI sends none). Answers and errors have the documented bodies. Point a
// client at it with its endpoint setting (here: Endpoint
// "http://127.0.0.1:8088" for both services) and the seed's access key.
//
// Flags:
//
//	-addr HOST:PORT      where to listen (port 0: a free one); default 127.0.0.1:8088
//	-seed FILE           the seed file; required
//	-tls                 serve HTTPS, with a certificate for 127.0.0.1, ::1 and
//	                     localhost from a CA made at start (valid 30 days)
//	-ca-out FILE         with -tls: write that CA's certificate (PEM) here before
//	                     the first line; the URL printed is then https://
//	-tls-hosts A,B       with -tls: more names or addresses for the certificate
//	-control-token TOKEN require "Authorization: Bearer TOKEN" on /_fake/
//	-read-timeout D      longest read of a request (its headers: at most 10s); 30s
//	-write-timeout D     longest time from a request's headers to its answer's end; 2m
//	-idle-timeout D      how long a keep-alive connection may wait; 2m
//
// Headers and request bodies are bounded to 64 KiB each. A stop closes the
// connections that carry no request at once and gives requests in flight
// 5 seconds.
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
// "data", "stages", "createTime"}] instead of data/versionId/stages;
// versionId defaults to "v1" and stages to ["ACSCurrent"]. A KMS secret
// may also give "description", "createTime" (RFC 3339; a version's
// defaults to it), "automaticRotation" ("Enabled", "Disabled" or
// "Invalid"), "rotationInterval" ("604800s" as KMS writes it, or "168h"),
// "nextRotationDate" and "lastRotationDate" (RFC 3339); they are answered
// as KMS formats them (UTC "2024-02-21T15:39:26Z", "604800s"). An SAE
// secret may give "createTime" (answered in epoch milliseconds, as SAE
// does); a secretId of 0 or absent is assigned. An access key may carry a
// "securityToken" (STS).
//
// The control API (JSON in and out; a bad body is answered 400 with
// {"error": "..."} naming the field; {name} is path-escaped, prod%2Fdb):
//
//	PUT    /_fake/kms/secrets/{name}            one seed "kms" item ("name" optional, else
//	                                            the path's): create or replace
//	POST   /_fake/kms/secrets/{name}/versions   {"versionId","data"}: rotate; the new version
//	                                            is ACSCurrent, the old one ACSPrevious
//	DELETE /_fake/kms/secrets/{name}            delete
//	PUT    /_fake/sae/secrets                   one seed "sae" item: create or replace (by
//	                                            secretId, else by name in its namespace)
//	DELETE /_fake/sae/namespaces/{namespaceId}/secrets/{secretId}
//	POST   /_fake/faults                        {"count","status","code","message","delayMs"}:
//	                                            the next count API requests fail so
//	PUT    /_fake/ratelimit                     {"rate","burst","retryAfterMs"}: 429
//	                                            Rejected.Throttling over rate, per service
//	DELETE /_fake/ratelimit                     no rate limit
//	GET    /_fake/requests                      [{"time","action","style","status","code"}]:
//	                                            the latest requests, no values or signatures
//	POST   /_fake/reset                         back to the seed
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
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
	useTLS := fs.Bool("tls", false, "serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost from a CA made at start")
	caOut := fs.String("ca-out", "", "with -tls: write the CA certificate (PEM) to this file")
	tlsHosts := fs.String("tls-hosts", "", "with -tls: more names or addresses for the certificate, comma-separated")
	token := fs.String("control-token", "", "require \"Authorization: Bearer TOKEN\" on the control API (/_fake/)")
	var t timeouts
	fs.DurationVar(&t.read, "read-timeout", 30*time.Second, "longest time to read a request (headers: at most 10s)")
	fs.DurationVar(&t.write, "write-timeout", 2*time.Minute, "longest time from the end of a request's headers to the end of its answer")
	fs.DurationVar(&t.idle, "idle-timeout", 2*time.Minute, "how long a keep-alive connection may wait for its next request")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	usage := func(msg string) int { fmt.Fprintln(stderr, "fakeserver:", msg); return 2 }
	switch {
	case fs.NArg() > 0:
		return usage("unexpected arguments: " + strings.Join(fs.Args(), " "))
	case *seedPath == "":
		return usage("-seed is required (format: go doc ./examples/fakeserver)")
	case !*useTLS && (*caOut != "" || *tlsHosts != ""):
		return usage("-ca-out and -tls-hosts need -tls")
	case t.read <= 0 || t.write <= 0 || t.idle <= 0:
		return usage("-read-timeout, -write-timeout and -idle-timeout must be positive")
	}
	fail := func(err error) int { fmt.Fprintln(stderr, "fakeserver:", err); return 1 }
	seed, err := LoadSeed(*seedPath)
	if err != nil {
		return fail(err)
	}
	fakes, err := NewFakes(seed, *token)
	if err != nil {
		return fail(err)
	}
	hs := newServer(fakes, t)
	scheme := "http"
	if *useTLS {
		if hs.TLSConfig, err = tlsConfig(*caOut, splitList(*tlsHosts)); err != nil {
			return fail(err)
		}
		scheme = "https"
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintln(stdout, baseURL(scheme, ln.Addr()))
	fmt.Fprintf(stdout, "serving KMS at /, SAE under /pop/ and the control API under /_fake/: %d access keys, %d KMS secrets, %d SAE secrets\n",
		len(seed.AccessKeys), len(seed.KMS), len(seed.SAE))
	if err := serve(ctx, hs, ln); err != nil {
		return fail(err)
	}
	return 0
}
