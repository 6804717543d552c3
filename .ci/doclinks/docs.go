package main

import "go/ast"

// docGroups lists the doc comments of f that go doc shows: the package
// comment and the docs of exported declarations, of methods on exported
// types, and of exported struct fields and interface methods.
func docGroups(f *ast.File) []*ast.CommentGroup {
	var gs []*ast.CommentGroup
	add := func(g *ast.CommentGroup) {
		if g != nil {
			gs = append(gs, g)
		}
	}
	add(f.Doc)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.IsExported() && (d.Recv == nil || exportedRecv(d.Recv.List[0].Type)) {
				add(d.Doc)
			}
		case *ast.GenDecl:
			var specs []*ast.CommentGroup
			exported := false
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if s.Name.IsExported() {
						exported = true
						specs = append(specs, s.Doc)
						specs = append(specs, fieldDocs(s.Type)...)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if n.IsExported() {
							exported = true
							specs = append(specs, s.Doc)
							break
						}
					}
				}
			}
			if exported {
				add(d.Doc)
				for _, g := range specs {
					add(g)
				}
			}
		}
	}
	return gs
}

// fieldDocs lists the docs of the exported and embedded fields of a struct
// type, or the methods of an interface type, nested struct types included.
func fieldDocs(expr ast.Expr) []*ast.CommentGroup {
	var list *ast.FieldList
	switch t := expr.(type) {
	case *ast.StructType:
		list = t.Fields
	case *ast.InterfaceType:
		list = t.Methods
	default:
		return nil
	}
	var gs []*ast.CommentGroup
	for _, field := range list.List {
		exported := len(field.Names) == 0
		for _, n := range field.Names {
			exported = exported || n.IsExported()
		}
		if !exported {
			continue
		}
		if field.Doc != nil {
			gs = append(gs, field.Doc)
		}
		gs = append(gs, fieldDocs(field.Type)...)
	}
	return gs
}

// exportedRecv reports whether a method's receiver type is exported.
func exportedRecv(expr ast.Expr) bool {
	for {
		switch t := expr.(type) {
		case *ast.StarExpr:
			expr = t.X
		case *ast.IndexExpr:
			expr = t.X
		case *ast.IndexListExpr:
			expr = t.X
		case *ast.ParenExpr:
			expr = t.X
		case *ast.Ident:
			return t.IsExported()
		default:
			return false
		}
	}
}
