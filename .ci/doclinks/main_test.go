package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeModule writes a module example.com/m with package b (a type T with
// a method M and a field F) and package a whose a.go is src.
func writeModule(t *testing.T, src string) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.24\n",
		"b/b.go": "// Package b is linked to.\npackage b\n\n// T is a type.\ntype T struct {\n\t// F is a field.\n\tF int\n}\n\n// M is a method.\nfunc (T) M() {}\n\nfunc unexported() {}\n",
		"a/a.go": src,
	}
	for name, text := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	return root
}

func TestRun(t *testing.T) {
	const header = "// Package a links.\npackage a\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/m/b\"\n)\n\nvar _ = fmt.Sprint\nvar _ b.T\n\n"
	tests := []struct {
		name string
		src  string
		want []string // lines of output; none means it passes
	}{
		{"good links", header + "// X links [Y], [Y.M], [b.T], [*b.T], [b.T.M], [b.T.F], [b], [fmt.Println],\n// [example.com/m/b.T], [net/http.Client] and [io].\ntype X int\n\n// Y is a type.\ntype Y int\n\n// M is a method.\nfunc (Y) M() {}\n", nil},
		{"not links", header + "// X has [plain words], [redacted], [n], m[Key], [Z](http://example.com), [e.g.] and\n// [1].\n//\n//\t[Broken] in a code block\ntype X int\n\n// Y is a type.\ntype Y int\n", nil},
		{"an undeclared name", header + "// X is not [Y].\ntype X int\n", []string{"a.go:13: [Y] does not resolve"}},
		{"a method that does not exist", header + "// X is a type.\n//\n// See [X.Nope].\ntype X int\n", []string{"a.go:15: [X.Nope] does not resolve"}},
		{"a name the module package does not export", header + "// X is not [b.U] nor [*b.T.Nope].\ntype X int\n", []string{"a.go:13: [b.U] does not resolve", "a.go:13: [*b.T.Nope] does not resolve"}},
		{"a package not imported", header + "// X is not [sae.Client].\nconst X = 1\n", []string{"a.go:13: [sae.Client] does not resolve"}},
		{"a full path that does not exist", header + "// F is not [example.com/m/c.T] nor [nosuch/pkg].\nfunc F() {}\n", []string{"a.go:13: [example.com/m/c.T] does not resolve", "a.go:13: [nosuch/pkg] does not resolve"}},
		{"a field's doc", header + "// X is a type.\ntype X struct {\n\t// A is [Gone].\n\tA int\n}\n", []string{"a.go:15: [Gone] does not resolve"}},
		{"an unexported declaration is not checked", header + "// x is [Gone].\ntype x int\n", nil},
		{"no package comment", "package a\n", []string{"a: package a has no package comment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeModule(t, tt.src)
			var out strings.Builder
			n, err := run(root, []string{filepath.Join(root, "a"), filepath.Join(root, "b")}, &out)
			require.NoError(t, err)
			got := strings.Split(strings.TrimSpace(strings.ReplaceAll(out.String(), root+string(filepath.Separator), "")), "\n")
			if len(tt.want) == 0 {
				assert.Empty(t, out.String())
				assert.Zero(t, n)
				return
			}
			for i := range got {
				got[i] = strings.TrimPrefix(got[i], "a"+string(filepath.Separator))
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.want), n)
		})
	}
}

func TestPackageDirs(t *testing.T) {
	root := writeModule(t, "// Package a links.\npackage a\n")
	for _, name := range []string{"a/testdata/x.go", ".hidden/x.go", "_skip/x.go", ".ci/tool/main.go", "c/c_test.go"} {
		path := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte("package x\n"), 0o644))
	}
	dirs, err := packageDirs(root)
	require.NoError(t, err)
	for i := range dirs {
		dirs[i] = filepath.ToSlash(strings.TrimPrefix(dirs[i], root+string(filepath.Separator)))
	}
	assert.Equal(t, []string{".ci/tool", "a", "b"}, dirs)
}
