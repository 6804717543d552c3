//go:build unix

package sae_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// cpuPerOp starts measuring the CPU time (user and system, all threads)
// this process spends, and returns the function that stops and reports it
// per iteration as "cpu-ns/op". With the server in another process
// (.ci/bench starts one), that is the client's cost alone, without the
// time spent waiting for a core on a loaded machine.
func cpuPerOp(b *testing.B) (stop func()) {
	start := processTime()
	return func() {
		if used := processTime() - start; used > 0 && b.N > 0 {
			b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
		}
	}
}

func processTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// fetchJSON is the floors' whole round trip: send, read, fail on a status
// other than 200, decode with encoding/json.
func fetchJSON(hc *http.Client, req *http.Request, out any) error {
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
