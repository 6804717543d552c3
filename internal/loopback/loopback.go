// Package loopback runs a test server in a separate process, so that
// benchmarks and allocation tests measure the client alone: the test binary
// starts itself again as the server.
//
// In the test package:
//
//	func TestMain(m *testing.M) {
//		loopback.ServeIfChild(map[string]func() string{"kms": startFakeKMS})
//		os.Exit(m.Run())
//	}
//
// and in a benchmark: url := loopback.Start(b, "kms").
package loopback

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const envVar = "ALISECRET_LOOPBACK_SERVER"

// ServeIfChild returns at once in a normal test run. In a process started
// by Start it runs the named server (start returns its base URL), prints
// the URL, serves until standard input closes (the parent went away), and
// exits.
func ServeIfChild(servers map[string]func() string) {
	name := os.Getenv(envVar)
	if name == "" {
		return
	}
	start, ok := servers[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "loopback: no server %q\n", name)
		os.Exit(2)
	}
	fmt.Println(start())
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// Start runs the named server in a child process and returns its base URL.
// The child ends when the test does.
func Start(tb testing.TB, name string) string {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), envVar+"="+name)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("loopback server %q did not start: %v", name, err)
	}
	return strings.TrimSpace(line)
}

// CPU starts measuring the CPU time (user and system, all threads) the
// benchmark's process spends, and returns the function that stops and
// reports it per iteration as "cpu-ns/op". Unlike ns/op it leaves out the
// server, which runs in another process, and time spent waiting for a
// core on a loaded machine. Call it just before the b.Loop loop and the
// returned function just after. On platforms without getrusage it reports
// nothing.
func CPU(b *testing.B) (stop func()) {
	start := processCPU()
	return func() {
		used := processCPU() - start
		if used > 0 && b.N > 0 {
			b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

// FetchJSON is the floors' whole round trip: it sends req with hc, reads
// the body, fails on a status other than 200, and decodes the body into
// out with encoding/json. The floors (a hand-written minimal signed request
// each service's client is measured against) share it, so they differ only
// in what they sign.
func FetchJSON(hc *http.Client, req *http.Request, out any) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.Unmarshal(body, out)
}
