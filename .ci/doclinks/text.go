package main

import (
	"go/doc/comment"
	"go/token"
	"path"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// unlinked calls bad with each bracketed text in s that is shaped like a
// doc link: it is what the parser left as plain text because it did not
// resolve. The context rules are the parser's: a link is preceded and
// followed by punctuation, a space or the end of the text (so m[Key] is an
// index), and [x](y) is Markdown, not a doc link.
func unlinked(s string, bad func(string)) {
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			continue
		}
		j := strings.IndexAny(s[i+1:], "[]")
		if j < 0 {
			return
		}
		end := i + 1 + j
		if s[end] == '[' {
			i = end - 1
			continue
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[end+1:])
		if (i == 0 || boundary(before)) && (end+1 == len(s) || boundary(after) && after != '(') && shaped(s[i+1:end]) {
			bad(s[i : end+1])
		}
		i = end
	}
}

func boundary(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) }

// shaped reports whether text (inside brackets) looks like a doc link:
// an exported Name, or up to three dot-separated identifiers ending in
// an exported one (pkg.Name, Type.Method, pkg.Type.Method), with an
// optional leading "*". A lone lowercase word is not: it would be an
// import's name, and the parser links those.
func shaped(text string) bool {
	parts := strings.Split(strings.TrimPrefix(text, "*"), ".")
	if len(parts) > 3 {
		return false
	}
	for _, part := range parts {
		if !token.IsIdentifier(part) {
			return false
		}
	}
	return token.IsExported(parts[len(parts)-1])
}

// plain is the text of a link's words.
func plain(ts []comment.Text) string {
	var b strings.Builder
	for _, t := range ts {
		switch t := t.(type) {
		case comment.Plain:
			b.WriteString(string(t))
		case comment.Italic:
			b.WriteString(string(t))
		}
	}
	return b.String()
}

// assumedName is the name a package is known by when nothing says
// otherwise: its path's last element, without a version suffix (v2) or a
// "go-" prefix, cut at the first character that cannot be in a name.
// go/doc guesses the same way.
func assumedName(importPath string) string {
	base := path.Base(importPath)
	if strings.HasPrefix(base, "v") {
		if _, err := strconv.Atoi(base[1:]); err == nil && path.Dir(importPath) != "." {
			base = path.Base(path.Dir(importPath))
		}
	}
	base = strings.TrimPrefix(base, "go-")
	if i := strings.IndexFunc(base, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' }); i >= 0 {
		base = base[:i]
	}
	return base
}
