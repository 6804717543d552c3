// Package wire holds the JSON shapes the services are inconsistent about
// (numbers sent as strings, lists wrapped in objects, several time formats)
// and a JSON decoder whose errors never quote the document.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// String decodes a JSON string, number or boolean as text, and null as "".
type String string

// UnmarshalJSON implements json.Unmarshaler.
func (s *String) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) == 0 || string(b) == "null":
		*s = ""
	case b[0] == '"':
		if v, ok := plainString(b); ok {
			*s = String(v)
			return nil
		}
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = String(v)
	case b[0] == '{' || b[0] == '[':
		return &ShapeError{Want: "text, got a JSON structure"}
	default:
		*s = String(b)
	}
	return nil
}

// plainString returns the text of a JSON string literal that has no escapes
// and no control characters, the common case, without running a decoder.
// encoding/json has already checked that b is valid JSON.
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	inner := b[1 : len(b)-1]
	for _, c := range inner {
		if c == '\\' || c == '"' || c < 0x20 || c >= 0x80 {
			return "", false // escapes, and non-ASCII that may need UTF-8 repair, take the full path
		}
	}
	if v, ok := interned[string(inner)]; ok { // the lookup itself does not allocate
		return v, true
	}
	return string(inner), true
}

// interned holds the enumerated values the services send again and again
// (types, stages, states), so decoding them allocates nothing.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, v := range []string{
		"text", "binary", "Generic", "Rds", "RAMCredentials", "ECS", "Redis", "PolarDB",
		"Enabled", "Disabled", "Invalid", "ACSCurrent", "ACSPrevious", "ACSPending",
		"true", "false", "200", "success", "Opaque", "kubernetes.io/dockerconfigjson",
	} {
		m[v] = v
	}
	return m
}()

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
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*t = JSONText(v)
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
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int64(f)) {
			*n = Int64(f)
			return nil
		}
		return &ShapeError{Want: "an integer"}
	}
	*n = Int64(v)
	return nil
}

// Bool decodes a JSON boolean or the strings "true"/"false"; null is false.
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	switch strings.ToLower(string(bytes.Trim(b, `"`))) {
	case "true":
		*v = true
	case "false", "", "null":
		*v = false
	default:
		return &ShapeError{Want: "a boolean"}
	}
	return nil
}

// List decodes a list of T sent as a bare array, as an object wrapping one
// array under any single key ({"VersionStage":[...]}, {"Tag":[...]}), as a
// single element, or as null.
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
		var v []T
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*l = v
		return nil
	case b[0] == '{' && unwrap:
		// A one-key object is a wrapper ({"Tag":[...]}, {"Tag":{...}})
		// unless it is itself an element, i.e. its key is a field of T.
		if inner, ok := singleValue(b); ok && !elementObject[T](b) {
			return l.decode(inner, false)
		}
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = []T{one}
	return nil
}

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

// Time decodes a time in any form ParseTime reads. The common
// "2006-01-02T15:04:05Z" is parsed from the JSON bytes directly; any other
// text is kept and parsed by Value, whose error the caller can tie to the
// field's name.
type Time struct {
	t   time.Time
	raw string // set when the fast path did not apply
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	if len(b) == 22 && b[0] == '"' && b[21] == '"' {
		if v, ok := parseUTCSeconds(b[1:21]); ok {
			t.t = v
			return nil
		}
	}
	var s String
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	t.raw = string(s)
	return nil
}

// Value returns the time (UTC; zero when absent).
func (t Time) Value() (time.Time, error) {
	if t.raw == "" {
		return t.t, nil
	}
	return ParseTime(t.raw)
}

// parseUTCSeconds parses exactly "2006-01-02T15:04:05Z", rejecting
// out-of-range fields rather than normalising them.
func parseUTCSeconds(b []byte) (time.Time, bool) {
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // 30 February and the like
		return time.Time{}, false
	}
	return t, true
}

// ParseTime reads the time formats the services use: RFC 3339 with or
// without fractional seconds ("2022-02-21T15:39:26Z"), the same without a
// zone (taken as UTC), "2006-01-02 15:04:05" (UTC), and epoch seconds or
// milliseconds as digits. "" is the zero time. Results are in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return EpochTime(n), nil
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}

// EpochTime reads epoch milliseconds (13 digits and more) or seconds; 0 is
// the zero time.
func EpochTime(n int64) time.Time {
	switch {
	case n == 0:
		return time.Time{}
	case n > 1e11 || n < -1e11:
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// ParseSeconds reads a duration sent as "604800s", "604800" (seconds) or a
// Go duration ("168h"); "" is 0.
func ParseSeconds(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(strings.TrimSuffix(s, "s"), 10, 64); err == nil {
		if n < 0 || n > int64(1<<63-1)/int64(time.Second) {
			return 0, fmt.Errorf("duration %q out of range", s)
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("unrecognised duration %q", s)
	}
	return d, nil
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

func (e *ShapeError) Error() string { return "want " + e.Want }
