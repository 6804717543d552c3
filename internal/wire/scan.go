package wire

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// elementObject reports whether the object b decodes into a T with no
// unknown fields. A string never decodes from an object, so the common
// List[string] needs no decoder.
func elementObject[T any](b []byte) bool {
	if reflect.TypeFor[T]().Kind() == reflect.String {
		return false
	}
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(&v) == nil
}

// singleValue returns the value of a JSON object that has exactly one key,
// without allocating. b is valid JSON (encoding/json checked it).
func singleValue(b []byte) ([]byte, bool) {
	i := skipSpace(b, 1) // past '{'
	if i >= len(b) || b[i] != '"' {
		return nil, false
	}
	i = skipString(b, i)
	i = skipSpace(b, i)
	if i >= len(b) || b[i] != ':' {
		return nil, false
	}
	start := skipSpace(b, i+1)
	end := skipValue(b, start)
	j := skipSpace(b, end)
	if j >= len(b) || b[j] != '}' || skipSpace(b, j+1) != len(b) { // more keys, or not one object
		return nil, false
	}
	return b[start:end], true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string literal starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the JSON value starting at b[i].
func skipValue(b []byte, i int) int {
	depth := 0
	for i < len(b) {
		switch c := b[i]; {
		case c == '"':
			i = skipString(b, i)
			if depth == 0 {
				return i
			}
			continue
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return i
		}
		i++
	}
	return i
}

// plainStrings decodes b, a JSON array (valid: encoding/json checked it),
// into *l when every element is a string plainString reads, the common
// ["ACSCurrent"], without a second decoder pass. It reports false, leaving
// *l alone, for anything else.
func plainStrings(b []byte, l *List[string]) bool {
	n, i := 0, skipSpace(b, 1)
	for i < len(b) && b[i] != ']' { // count and check first: no partial result
		if b[i] != '"' {
			return false
		}
		end := skipString(b, i)
		if !plain(b[i:end]) {
			return false
		}
		n++
		if i = skipSpace(b, end); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	out := make(List[string], 0, n)
	for i = skipSpace(b, 1); i < len(b) && b[i] != ']'; {
		end := skipString(b, i)
		s, _ := plainString(b[i:end])
		out = append(out, s)
		if i = skipSpace(b, end); i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	*l = out
	return true
}
