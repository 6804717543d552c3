//go:build unix

package kms_test

import (
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
