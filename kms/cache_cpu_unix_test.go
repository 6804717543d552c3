//go:build unix

package kms_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time this process has used (user and system,
// all threads: the benchmark's goroutines and the garbage collector).
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
