//go:build !unix

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
)

// execCommand runs argv as a child where exec(2) does not exist.
func execCommand(argv, env []string, stderr io.Writer) int { return runChild(argv, env, stderr) }

// runChild runs argv as a child and returns its exit status.
func runChild(argv, env []string, stderr io.Writer) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Stdin, cmd.Stdout, cmd.Stderr = env, os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		return exitErr.ExitCode()
	case err != nil:
		fmt.Fprintf(stderr, "secretenv: running %s: %v\n", argv[0], err)
		return 127
	}
	return 0
}
