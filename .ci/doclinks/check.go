package main

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/doc/comment"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// pkg is one parsed package directory.
type pkg struct {
	name       string
	importPath string
	files      []*ast.File
	doc        *doc.Package
}

// checker checks packages of the module rooted at root, printing problems
// to w. Packages are parsed once each, whether checked or only looked up.
type checker struct {
	root, modPath string
	w             io.Writer
	fset          *token.FileSet
	pkgs          map[string]*pkg // by cleaned directory; nil: no Go files
	problems      int
}

func newChecker(root, modPath string, w io.Writer) *checker {
	return &checker{root: root, modPath: modPath, w: w, fset: token.NewFileSet(), pkgs: map[string]*pkg{}}
}

func (c *checker) report(format string, args ...any) {
	c.problems++
	fmt.Fprintf(c.w, format+"\n", args...)
}

// load parses the non-test Go files in dir. It returns nil and no error
// when dir does not exist or holds none.
func (c *checker) load(dir string) (*pkg, error) {
	dir = filepath.Clean(dir)
	if p, ok := c.pkgs[dir]; ok {
		return p, nil
	}
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		c.pkgs[dir] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := &pkg{importPath: c.importPath(dir)}
	for _, e := range entries {
		if e.IsDir() || !isSource(e.Name()) {
			continue
		}
		f, err := parser.ParseFile(c.fset, filepath.Join(dir, e.Name()), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		if p.name == "" {
			p.name = f.Name.Name
		} else if f.Name.Name != p.name {
			return nil, fmt.Errorf("%s: packages %s and %s", dir, p.name, f.Name.Name)
		}
		p.files = append(p.files, f)
	}
	if len(p.files) == 0 {
		c.pkgs[dir] = nil
		return nil, nil
	}
	if p.doc, err = doc.NewFromFiles(c.fset, p.files, p.importPath, doc.PreserveAST); err != nil {
		return nil, err
	}
	c.pkgs[dir] = p
	return p, nil
}

// importPath is the import path of the package in dir.
func (c *checker) importPath(dir string) string {
	rel, err := filepath.Rel(c.root, dir)
	if err != nil || rel == "." {
		return c.modPath
	}
	return c.modPath + "/" + filepath.ToSlash(rel)
}

// moduleDir is the directory of importPath when it is in the module (the
// otel module's path is under the root module's, so it is too).
func (c *checker) moduleDir(importPath string) (string, bool) {
	if importPath == c.modPath {
		return c.root, true
	}
	rest, ok := strings.CutPrefix(importPath, c.modPath+"/")
	return filepath.Join(c.root, filepath.FromSlash(rest)), ok
}

// checkDir checks the package comment and the doc links of the package in dir.
func (c *checker) checkDir(dir string) error {
	p, err := c.load(dir)
	if err != nil {
		return err
	}
	if p == nil {
		return fmt.Errorf("%s: no non-test Go files", dir)
	}
	if p.doc.Doc == "" {
		c.report("%s: package %s has no package comment", dir, p.name)
	}
	imports := c.packageImports(p)
	parser := &comment.Parser{
		LookupPackage: func(name string) (string, bool) {
			if path := imports[name]; path != "" {
				return path, true
			}
			if name == p.name {
				return p.importPath, true
			}
			return "", false // the parser then tries the standard library's names
		},
		LookupSym: p.doc.Parser().LookupSym,
	}
	for _, f := range p.files {
		for _, g := range docGroups(f) {
			c.checkGroup(p, imports, parser, g)
		}
	}
	return nil
}

// packageImports maps the names p's files import packages by to their
// paths, as go/doc does: a name that two files use for different paths
// maps to "" and links to neither.
func (c *checker) packageImports(p *pkg) map[string]string {
	imports := map[string]string{}
	for _, f := range p.files {
		for _, spec := range f.Imports {
			path, name := c.importName(spec)
			if name == "_" || name == "." {
				continue
			}
			if old, ok := imports[name]; ok && old != path {
				path = ""
			}
			imports[name] = path
		}
	}
	return imports
}

// importName is the path of an import and the name it is known by.
func (c *checker) importName(spec *ast.ImportSpec) (path, name string) {
	path, err := strconv.Unquote(spec.Path.Value)
	if err != nil {
		return "", "_"
	}
	if spec.Name != nil {
		return path, spec.Name.Name
	}
	if dir, ok := c.moduleDir(path); ok {
		if q, err := c.load(dir); err == nil && q != nil {
			return path, q.name
		}
	}
	return path, assumedName(path)
}

// checkGroup reports the links in one doc comment that do not resolve.
func (c *checker) checkGroup(p *pkg, imports map[string]string, parser *comment.Parser, g *ast.CommentGroup) {
	seen := map[string]int{} // how many times each bracketed text was reported in g
	bad := func(text string) {
		pos := c.position(g, text, seen[text])
		seen[text]++
		c.report("%s:%d: %s does not resolve", pos.Filename, pos.Line, text)
	}
	var texts func([]comment.Text)
	texts = func(ts []comment.Text) {
		for _, t := range ts {
			switch t := t.(type) {
			case comment.Plain:
				unlinked(string(t), bad)
			case comment.Italic:
				unlinked(string(t), bad)
			case *comment.Link:
				texts(t.Text)
			case *comment.DocLink:
				if !c.resolves(p, imports, t) {
					bad("[" + plain(t.Text) + "]")
				}
			}
		}
	}
	var blocks func([]comment.Block)
	blocks = func(bs []comment.Block) {
		for _, b := range bs {
			switch b := b.(type) {
			case *comment.Paragraph:
				texts(b.Text)
			case *comment.Heading:
				texts(b.Text)
			case *comment.List:
				for _, item := range b.Items {
					blocks(item.Content)
				}
			}
		}
	}
	blocks(parser.Parse(g.Text()).Content)
}

// resolves reports whether a link the parser made names something that
// exists. The parser has already looked up links into p by bare name.
func (c *checker) resolves(p *pkg, imports map[string]string, l *comment.DocLink) bool {
	if l.ImportPath == "" {
		return true
	}
	if dir, ok := c.moduleDir(l.ImportPath); ok {
		q, err := c.load(dir)
		if err != nil || q == nil {
			return false
		}
		return l.Name == "" || q.doc.Parser().LookupSym(l.Recv, l.Name)
	}
	for _, path := range imports {
		if path != "" && path == l.ImportPath {
			return true
		}
	}
	// A standard library path: its first element has no dot.
	if first, _, _ := strings.Cut(l.ImportPath, "/"); !strings.Contains(first, ".") {
		info, err := os.Stat(filepath.Join(build.Default.GOROOT, "src", filepath.FromSlash(l.ImportPath)))
		return err == nil && info.IsDir()
	}
	return false
}

// position is where the nth occurrence of text is in g.
func (c *checker) position(g *ast.CommentGroup, text string, nth int) token.Position {
	for _, cm := range g.List {
		for off := 0; ; {
			k := strings.Index(cm.Text[off:], text)
			if k < 0 {
				break
			}
			if nth == 0 {
				pos := c.fset.Position(cm.Slash)
				pos.Line += strings.Count(cm.Text[:off+k], "\n")
				return pos
			}
			nth--
			off += k + len(text)
		}
	}
	return c.fset.Position(g.Pos())
}
