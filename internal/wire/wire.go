// Package wire holds the JSON shapes the services are inconsistent about
// (numbers sent as strings, lists wrapped in objects, several time formats),
// a JSON decoder whose errors never quote the document, and the helpers the
// output types redact secrets with.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Redacted stands in for a secret value in fmt and slog output.
const Redacted = "[redacted]"

// RedactString returns Redacted for a non-empty s, and "" for "".
func RedactString(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}

// Format prints view, a copy of a value with its secrets already replaced,
// under the caller's verb and flags; for %#v it names the type realName
// rather than the view's viewName.
func Format(f fmt.State, verb rune, view any, viewName, realName string) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), view)
	if verb == 'v' && f.Flag('#') {
		s = strings.Replace(s, viewName, realName, 1)
	}
	_, _ = f.Write([]byte(s))
}

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

// unquote returns the text of the JSON string literal b. Most are valid
// UTF-8 with no escape or control character: their text is the bytes
// between the quotes, which saves running a second decoder per field.
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		if utf8.Valid(inner) && !slices.ContainsFunc(inner, func(c byte) bool { return c == '\\' || c == '"' || c < 0x20 }) {
			return string(inner), nil
		}
	}
	var v string
	err := json.Unmarshal(b, &v)
	return v, err
}

// JSONText decodes a value sent either as a string holding JSON or as the
// JSON itself (ExtendedConfig): a string is unquoted, any other value is
// kept as compact JSON text, null is "".
type JSONText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *JSONText) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] == '"' || string(b) == "null" {
		var s String
		err := s.UnmarshalJSON(b)
		*t = JSONText(s)
		return err
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	*t = JSONText(buf.String())
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
	// A whole number in another form (1.0, 1e3) in int64's range, checked
	// first: Go leaves converting a float outside it to the platform.
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= math.MinInt64 && f < math.MaxInt64 && f == math.Trunc(f) {
		*n = Int64(f)
		return nil
	}
	return &ShapeError{Want: "an integer"}
}

// Bool decodes a JSON boolean or the strings "true" and "false" in any
// case; null and "" are false.
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

// List decodes a list of T sent as an array, as an object wrapping one
// under any single key ({"VersionStage":[...]}), as a single element, or as
// null. A one-key object that is itself a T (it decodes into T with no
// unknown fields, as {"TagKey":"k"} does) is one element, not a wrapper.
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
		// Most wrappers hold an array, which decodes in one pass; the
		// others ({"Tag":{...}}) are unwrapped through their raw value.
		var arrays map[string][]T
		if json.Unmarshal(b, &arrays) == nil && len(arrays) == 1 && isWrapper[T](b) {
			for _, inner := range arrays {
				*l = inner
				return nil
			}
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) == nil && len(m) == 1 && isWrapper[T](b) {
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

// isWrapper reports whether the one-key object b is not itself a T: T is a
// string, or b does not decode into a T without unknown fields.
func isWrapper[T any](b []byte) bool {
	var v T
	if _, text := any(v).(string); text {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(&v) != nil
}

// Unmarshal decodes body into v. Its error says where and what kind of
// mismatch it found, never quoting the document, which may carry secrets.
func Unmarshal(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var shape *ShapeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syn) && syn.Error() == "unexpected end of JSON input":
		return errors.New("truncated JSON")
	case errors.As(err, &syn):
		return fmt.Errorf("malformed JSON at byte offset %d", syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Errorf("field %s: JSON %s where %s was expected", typ.Field, typ.Value, typ.Type)
	case errors.As(err, &typ):
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
