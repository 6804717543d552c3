// Package wire holds the JSON shapes the services are inconsistent about
// (numbers sent as strings, lists wrapped in objects, several time formats)
// and a JSON decoder whose errors never quote the document.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// String decodes a JSON string, number or boolean as text, and null as "".
// An object or an array is a [*ShapeError].
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		v, err := unquote(b)
		*s = String(v)
		return err
	case b[0] == '{' || b[0] == '[':
		return &ShapeError{Want: "text, got a JSON structure"}
	default:
		*s = String(b)
	}
	return nil
}

// unquote returns the text of b, a JSON string literal. Most have no
// escape and no control character and are valid UTF-8: their text is the
// bytes between the quotes, which saves running a second decoder per field
// (a fifth of a call's CPU). The others go through encoding/json.
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		if utf8.Valid(inner) && !bytes.ContainsFunc(inner, func(r rune) bool { return r == '\\' || r == '"' || r < 0x20 }) {
			return string(inner), nil
		}
	}
	var v string
	err := json.Unmarshal(b, &v)
	return v, err
}

// JSONText decodes a value the service sends either as a string holding
// JSON or as the JSON itself (ExtendedConfig): a string is unquoted, any
// other value is kept as its JSON text, null is "".
type JSONText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *JSONText) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		v, err := unquote(b)
		*t = JSONText(v)
		return err
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, b); err != nil {
			return err
		}
		*t = JSONText(buf.String())
	}
	return nil
}

// Int64 decodes a JSON number or a string holding one; null and "" are 0.
type Int64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int64) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		*n = Int64(v)
		return nil
	}
	// A whole number in another form (1.0, 1e3) in int64's range; the
	// range is checked first: Go leaves converting a float outside it to
	// the platform.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= math.MinInt64 && f < math.MaxInt64 && f == math.Trunc(f) {
		*n = Int64(f)
		return nil
	}
	return &ShapeError{Want: "an integer"}
}

// Bool decodes a JSON boolean or the strings "true"/"false" in any case
// ("True", "FALSE"); null and "" are false.
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	switch {
	case bytes.EqualFold(b, []byte("true")):
		*v = true
	case bytes.EqualFold(b, []byte("false")), len(b) == 0, bytes.EqualFold(b, []byte("null")):
		*v = false
	default:
		return &ShapeError{Want: "a boolean"}
	}
	return nil
}

// List decodes a list of T sent as a bare array, as an object wrapping one
// array under any single key ({"VersionStage":[...]}, {"Tag":[...]}), as a
// single element, or as null. A one-key object that is itself a T (it
// decodes into T with no unknown fields, as {"TagKey":"k"} does) is one
// element, not a wrapper.
type List[T any] []T

// UnmarshalJSON implements json.Unmarshaler.
func (l *List[T]) UnmarshalJSON(b []byte) error { return l.decode(b, true) }

// decode unwraps at most one level: the services wrap a list once, and
// following wrappers further would let a deeply nested body cost time
// quadratic in its depth.
func (l *List[T]) decode(b []byte, unwrap bool) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*l = nil
		return nil
	case b[0] == '[':
		*l = nil
		return json.Unmarshal(b, (*[]T)(l))
	case b[0] == '{' && unwrap:
		// A one-key object is a wrapper ({"Tag":[...]}, {"Tag":{...}})
		// unless it is itself an element ({"TagKey":"k"}).
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) == nil && len(m) == 1 && (isText[T]() || !isElement[T](b)) {
			for _, inner := range m {
				return l.decode(inner, false)
			}
		}
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = []T{one}
	return nil
}

// isText reports whether T is a string, which no object decodes into.
func isText[T any]() bool {
	var zero T
	_, ok := any(zero).(string)
	return ok
}

// isElement reports whether the object b decodes into a T with no unknown
// fields.
func isElement[T any](b []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v T
	return dec.Decode(&v) == nil
}

// Unmarshal decodes body into v. Its error describes where and what kind of
// mismatch, never quoting the document, which may carry secret values.
func Unmarshal(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	return Describe(err)
}

// Describe turns an encoding/json error into text that quotes no input.
func Describe(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var shape *ShapeError
	switch {
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return errors.New("truncated JSON")
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at byte offset %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Errorf("field %s: JSON %s where %s was expected", typ.Field, typ.Value, typ.Type)
		}
		return fmt.Errorf("JSON %s where %s was expected", typ.Value, typ.Type)
	case errors.As(err, &shape):
		return shape
	}
	return errors.New("invalid JSON document")
}

// ShapeError is a value of the wrong shape for one of this package's types.
// Its text names the shape wanted, never the value.
type ShapeError struct{ Want string }

// Error says which shape was wanted.
func (e *ShapeError) Error() string { return "want " + e.Want }
