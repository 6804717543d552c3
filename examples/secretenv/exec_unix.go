//go:build unix

package main

import (
	"fmt"
	"io"
	"os/exec"
	"syscall"
)

// execCommand replaces this process with argv, so signals and the exit
// status belong to the command itself.
func execCommand(argv, env []string, stderr io.Writer) int {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		fmt.Fprintf(stderr, "secretenv: %v\n", err)
		return 127
	}
	err = syscall.Exec(path, argv, env)
	fmt.Fprintf(stderr, "secretenv: exec %s: %v\n", path, err)
	return 126
}
