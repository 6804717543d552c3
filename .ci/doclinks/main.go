// Command doclinks checks the Go doc links in the module's doc comments and
// that every package has a package comment. CI runs it from the module root:
//
//	go run ./.ci/doclinks [dirs...]
//
// With no arguments it checks every package directory under the module root
// (the otel module's too, and .ci's own commands), skipping testdata and
// other directories whose names start with "." or "_".
//
// It reads each package's non-test files and checks the package comment and
// the doc comments of exported declarations, methods and struct fields.
// The doc links ([go/doc/comment]) it checks are of these shapes:
//
//	[Name] [Name.Method] [Type.Field] [pkg] [pkg.Name] [*pkg.Name] [pkg.Type.Method]
//
// A link resolves when the name is declared in the package (as go/doc
// sees it: types, funcs, consts, vars, methods, struct fields and
// interface methods), or when pkg is a package the package's files import
// (by its name or alias, as go/doc links them) or a standard-library or
// module import path given in full, and, for a module package, that package
// declares the exported name. Bracketed text not shaped like a link (words
// with spaces, a lone lowercase word that is not an import, an index such
// as m[Key], Markdown's [x](y)) is plain text, as it is to go/doc/comment.
//
// Each problem is printed as "file:line: [text] does not resolve" or
// "dir: package name has no package comment"; the exit status is 1 if
// there is any, 2 if the files cannot be read.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	problems, err := run(".", os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "doclinks:", err)
		os.Exit(2)
	}
	if problems > 0 {
		fmt.Fprintf(os.Stderr, "doclinks: %d problem(s)\n", problems)
		os.Exit(1)
	}
}

// run checks the package directories dirs (all of them under root when dirs
// is empty) of the module rooted at root, prints each problem to w and
// returns how many there were.
func run(root string, dirs []string, w io.Writer) (int, error) {
	modPath, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return 0, err
	}
	if len(dirs) == 0 {
		if dirs, err = packageDirs(root); err != nil {
			return 0, err
		}
	}
	c := newChecker(root, modPath, w)
	for _, dir := range dirs {
		if err := c.checkDir(dir); err != nil {
			return c.problems, err
		}
	}
	return c.problems, nil
}

// modulePath reads the module directive of the go.mod file at path.
func modulePath(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	if err := s.Err(); err != nil {
		return "", err
	}
	return "", errors.New(path + ": no module directive")
}

// packageDirs lists the directories under root that hold non-test Go files.
func packageDirs(root string) ([]string, error) {
	var dirs []string
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// The go command skips these too; .ci is kept because its
			// commands are part of the module.
			hidden := path != root && name != ".ci" && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_"))
			if hidden || name == "testdata" || name == "vendor" {
				return filepath.SkipDir
			}
			return nil
		}
		if isSource(name) {
			dir := filepath.Dir(path)
			if !seen[dir] {
				seen[dir] = true
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	return dirs, err
}

// isSource reports whether name is a non-test Go file.
func isSource(name string) bool {
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
}
