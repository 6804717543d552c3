package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestList(t *testing.T) {
	type tag struct {
		TagKey string `json:"TagKey"`
	}
	strs := map[string][]string{
		`["a","b"]`:              {"a", "b"},
		`{"VersionStage":["a"]}`: {"a"},
		`{"VersionStage":"a"}`:   {"a"},
		`"a"`:                    {"a"},
		`null`:                   nil,
	}
	for in, want := range strs {
		var l List[string]
		require.NoError(t, json.Unmarshal([]byte(in), &l), in)
		assert.Equal(t, want, []string(l), in)
	}
	tags := map[string][]tag{
		`[{"TagKey":"k"}]`:         {{"k"}},
		`{"Tag":[{"TagKey":"k"}]}`: {{"k"}},
		`{"Tag":{"TagKey":"k"}}`:   {{"k"}},
		`{"TagKey":"k"}`:           {{"k"}},
	}
	for in, want := range tags {
		var l List[tag]
		require.NoError(t, json.Unmarshal([]byte(in), &l), in)
		assert.Equal(t, want, []tag(l), in)
	}
	var l List[int]
	require.Error(t, json.Unmarshal([]byte(`{"a":"x"}`), &l))
	// One level of wrapping only: deeper nesting is an error, found in
	// time linear in the body (a nested body once cost quadratic time).
	var deep List[string]
	require.Error(t, json.Unmarshal([]byte(`{"X":{"VersionStage":["a"]}}`), &deep))
	nested := strings.Repeat(`{"a":`, 100000) + `"x"` + strings.Repeat(`}`, 100000)
	require.Error(t, json.Unmarshal([]byte(nested), &deep))
}

func TestScalars(t *testing.T) {
	var s struct {
		S String   `json:"s"`
		N Int64    `json:"n"`
		B Bool     `json:"b"`
		J JSONText `json:"j"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"s":12,"n":"34","b":"true","j":{"a": [1, 2]}}`), &s))
	assert.Equal(t, String("12"), s.S)
	assert.Equal(t, Int64(34), s.N)
	assert.Equal(t, Bool(true), s.B)
	assert.Equal(t, JSONText(`{"a":[1,2]}`), s.J)
	require.NoError(t, json.Unmarshal([]byte(`{"s":null,"n":1.0,"b":false,"j":"{\"x\":1}"}`), &s))
	assert.Equal(t, String(""), s.S)
	assert.Equal(t, Int64(1), s.N)
	assert.Equal(t, JSONText(`{"x":1}`), s.J)
	for _, bad := range []string{`{"s":{"x":1}}`, `{"n":"x1"}`, `{"n":1.5}`, `{"b":"maybe"}`} {
		require.Error(t, json.Unmarshal([]byte(bad), &s), bad)
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2022, 2, 21, 15, 39, 26, 0, time.UTC)
	for _, in := range []string{"2022-02-21T15:39:26Z", "2022-02-21T23:39:26+08:00", "2022-02-21T23:39:26+0800", "2022-02-21T15:39:26", "2022-02-21 15:39:26", "1645457966", "1645457966000"} {
		got, err := ParseTime(in)
		require.NoError(t, err, in)
		assert.True(t, want.Equal(got), "%s: %v", in, got)
		assert.Equal(t, time.UTC, got.Location())
	}
	got, err := ParseTime("")
	require.NoError(t, err)
	assert.True(t, got.IsZero())
	_, err = ParseTime("yesterday")
	require.Error(t, err)
	assert.True(t, EpochTime(0).IsZero())
}

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]time.Duration{"604800s": 7 * 24 * time.Hour, "60": time.Minute, "": 0, "1h30m": 90 * time.Minute} {
		got, err := ParseSeconds(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"-5s", "weekly", "99999999999999999999s"} {
		_, err := ParseSeconds(bad)
		require.Error(t, err, bad)
	}
}

func TestUnmarshalNeverQuotesInput(t *testing.T) {
	var v struct {
		A int    `json:"a"`
		S String `json:"s"`
	}
	for _, in := range []string{`{"a":"TOPSECRET"}`, `{"a":1,"s":"TOPSECRET`, `TOPSECRET`, `{"s":{"TOPSECRET":1}}`, `{"a":1}TOPSECRET`} {
		err := Unmarshal([]byte(in), &v)
		require.Error(t, err, in)
		assert.NotContains(t, err.Error(), "TOPSECRET")
		assert.NotContains(t, err.Error(), "TOPS")
	}
}

func FuzzList(f *testing.F) {
	for _, s := range []string{`["a"]`, `{"T":["a"]}`, `{"T":{"T":"a"}}`, `null`, `"a"`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var l List[string]
		err := l.UnmarshalJSON(b) // directly, on any bytes: must not panic or recurse without end
		var plain []string
		if json.Unmarshal(b, &plain) == nil && len(plain) > 0 {
			require.NoError(t, err)
			require.Equal(t, plain, []string(l), "a bare array decodes as itself")
		}
		var wrapped map[string][]string
		if json.Unmarshal(b, &wrapped) == nil && len(wrapped) == 1 && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
			require.NoError(t, err)
			for _, inner := range wrapped {
				require.Equal(t, inner, []string(l), "a one-key wrapper decodes as its array")
			}
		}
	})
}

// A one-key object is unwrapped whatever its key and its spacing; any
// other object is not a list of strings. Of a key given twice, the last
// counts, as encoding/json reads objects.
func TestListUnwrapsOneKey(t *testing.T) {
	cases := map[string][]string{
		`{"a":["x","y"]}`:       {"x", "y"},
		` { "a" : "}" } `:       {"}"},
		`{"a\"b":"x"}`:          {"x"},
		`{"a":null}`:            nil,
		`{"a":"q\\"}`:           {`q\`},
		`{"a":["x"],"a":["y"]}`: {"y"},
		"{\n\t\"a\":[\"x\"]\r}": {"x"},
	}
	for in, want := range cases {
		var l List[string]
		require.NoError(t, json.Unmarshal([]byte(in), &l), in)
		assert.Equal(t, want, []string(l), in)
	}
	for _, in := range []string{`{}`, `{"a":1,"b":2}`, `{"a":["x"],"b":2}`, `{"a":["x"],"b":["y"]}`, `{"a":12.5e3}`} {
		var l List[string]
		assert.Error(t, json.Unmarshal([]byte(in), &l), in)
	}
}

// String reads a quoted value exactly as encoding/json reads a string.
func TestStringMatchesDecoder(t *testing.T) {
	for _, in := range []string{`""`, `"abc"`, `"a\"b"`, `"\u00e9"`, `"é"`, `"a\\b"`, `"\\"`, `"\\\\"`, `"tab\tx"`} {
		var got String
		if err := json.Unmarshal([]byte(in), &got); err != nil {
			continue // invalid JSON (the raw tab) is the decoder's to reject
		}
		var std string
		require.NoError(t, json.Unmarshal([]byte(in), &std))
		assert.Equal(t, std, string(got), in)
	}
}

// unquote, given what is not a whole string literal, fails rather than
// slicing past the bytes it was given.
func TestUnquoteShortInput(t *testing.T) {
	for _, in := range []string{`"`, ``} {
		_, err := unquote([]byte(in))
		assert.Error(t, err, in)
	}
}

// Time reads what ParseTime reads, and reads null as the zero time.
func TestTimeReadsWhatParseTimeReads(t *testing.T) {
	for _, in := range []string{"2022-02-21T15:39:26Z", "2024-02-29T23:59:59Z", "2023-02-29T00:00:00Z", "2022-13-01T00:00:00Z",
		"2022-02-21T24:00:00Z", "2022-02-21 15:39:26", "2022-02-21T15:39:26+08:00", "2022-02-21T15:39:2xZ", "", "0000-01-01T00:00:00Z"} {
		var w Time
		require.NoError(t, json.Unmarshal([]byte(`"`+in+`"`), &w), in)
		got, gotErr := w.Value()
		want, wantErr := ParseTime(in)
		assert.Equal(t, wantErr != nil, gotErr != nil, in)
		assert.True(t, want.Equal(got), "%s: %v vs %v", in, got, want)
	}
	var w Time
	require.NoError(t, json.Unmarshal([]byte(`1645457966000`), &w))
	got, err := w.Value()
	require.NoError(t, err)
	assert.Equal(t, time.Date(2022, 2, 21, 15, 39, 26, 0, time.UTC), got)
	require.NoError(t, json.Unmarshal([]byte(`null`), &w))
	got, err = w.Value()
	require.NoError(t, err)
	assert.True(t, got.IsZero())
}

// Bool reads true and false in any case, bare or quoted; null and "" are
// false; anything else is a shape error.
func TestBoolAnyCase(t *testing.T) {
	cases := []struct {
		in   string
		want Bool
		ok   bool
	}{
		{`true`, true, true}, {`"true"`, true, true}, {`"True"`, true, true}, {`"TRUE"`, true, true}, {`"tRuE"`, true, true},
		{`false`, false, true}, {`"False"`, false, true}, {`"FALSE"`, false, true},
		{`null`, false, true}, {`""`, false, true}, {`"NULL"`, false, true},
		{`"yes"`, false, false}, {`1`, false, false}, {`"truex"`, false, false}, {`"tru"`, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			v := Bool(!tc.want) // a stale value must be overwritten
			err := v.UnmarshalJSON([]byte(tc.in))
			if !tc.ok {
				var shape *ShapeError
				require.ErrorAs(t, err, &shape)
				assert.Equal(t, "want a boolean", err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, v)
		})
	}
}

// Int64 reads digits directly and everything else through strconv.
func TestInt64Forms(t *testing.T) {
	cases := map[string]Int64{`16`: 16, `"16"`: 16, `0`: 0, `"007"`: 7, `-3`: -3, `"-3"`: -3, `1.0`: 1, `1e3`: 1000,
		`999999999999999999`: 999999999999999999, `9223372036854775807`: 9223372036854775807, `null`: 0, `""`: 0}
	for in, want := range cases {
		t.Run(in, func(t *testing.T) {
			v := Int64(42)
			require.NoError(t, v.UnmarshalJSON([]byte(in)))
			assert.Equal(t, want, v)
		})
	}
	for _, bad := range []string{`"x1"`, `1.5`, `"1 2"`, `9223372036854775808`, `1e19`, `-1e19`} {
		v := Int64(42)
		require.Error(t, v.UnmarshalJSON([]byte(bad)), bad)
	}
}

// Raw keeps the text of a time in another layout and is empty for the
// common one.
func TestTimeRaw(t *testing.T) {
	var v Time
	require.NoError(t, v.UnmarshalJSON([]byte(`"2024-01-02T03:04:05Z"`)))
	assert.Empty(t, v.Raw())
	require.NoError(t, v.UnmarshalJSON([]byte(`"Tuesday"`)))
	assert.Equal(t, "Tuesday", v.Raw())
	_, err := v.Value()
	require.Error(t, err)
}

// UnmarshalJSON may be called directly on bytes encoding/json has not
// checked: every prefix of these documents, valid or not, is read without
// a panic.
func TestListPrefixesNeverPanic(t *testing.T) {
	docs := []string{
		`{"VersionStage":["ACSCurrent", "ACSPrevious"]}`,
		`{ "a" : { "b" : [1, {"c": "d\"e"}] } }`,
		`["a" , "b\\c", "d"]`,
		`{"k":"v\"","x":1}`,
	}
	for _, doc := range docs {
		for n := 0; n <= len(doc); n++ {
			b := []byte(doc[:n])
			assert.NotPanics(t, func() {
				var l List[string]
				_ = l.UnmarshalJSON(b)
				var s String
				_ = s.UnmarshalJSON(b)
				var tm Time
				_ = tm.UnmarshalJSON(b)
			}, "%q", b)
		}
	}
}

// A bare array is read as encoding/json reads a []string: escapes
// decoded, invalid UTF-8 repaired, control characters and non-strings
// rejected.
func TestListBareArrays(t *testing.T) {
	cases := []struct {
		in   string
		want List[string]
	}{
		{`["ACSCurrent","ACSPrevious"]`, List[string]{"ACSCurrent", "ACSPrevious"}},
		{`[ "ab" ,  "cd" ]`, List[string]{"ab", "cd"}},
		{`[]`, List[string]{}},
		{`["a b", "c~d"]`, List[string]{"a b", "c~d"}},
		{`["", "x", "yz"]`, List[string]{"", "x", "yz"}},
		{`["a\"b"]`, List[string]{`a"b`}},
		{`["é"]`, List[string]{"é"}},
		{"[\"a\x80b\"]", List[string]{"a\ufffdb"}},
		{"[\"a\x1fb\"]", nil},
		{`["a",1]`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			got := List[string]{"stale"}
			err := json.Unmarshal([]byte(tc.in), &got)
			if tc.want == nil {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// Time takes every in-range field of the common layout, boundaries
// included; a field out of range, or another text, reads as the zero time
// with the text kept for the caller to report.
func TestTimeBoundaries(t *testing.T) {
	ok := []string{"2024-12-31T23:59:59Z", "2024-01-01T00:00:00Z", "2024-02-29T12:00:00Z", "0001-01-01T00:00:00Z"}
	for _, s := range ok {
		var v Time
		require.NoError(t, v.UnmarshalJSON([]byte(`"`+s+`"`)), s)
		got, err := v.Value()
		require.NoError(t, err, s)
		want, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		assert.Equal(t, want, got, s)
		assert.Empty(t, v.Raw(), s)
	}
	bad := []string{"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z",
		"2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z", "2023-02-29T00:00:00Z", "2024-01-01 00:00:00Z",
		"2024/01-01T00:00:00Z", "2024-01/01T00:00:00Z", "2024-01-01T00-00:00Z", "2024-01-01T00:00-00Z", "2024-01-01T00:00:00+",
		"2O24-01-01T00:00:00Z", "2024-01-01T0a:00:00Z"}
	for _, s := range bad {
		var v Time
		require.NoError(t, v.UnmarshalJSON([]byte(`"`+s+`"`)), s)
		got, err := v.Value()
		require.Error(t, err, s)
		assert.True(t, got.IsZero(), s)
		assert.Equal(t, s, v.Raw())
	}
}

// ParseSeconds takes 0 and the largest whole-second duration, and nothing
// beyond.
func TestParseSecondsBounds(t *testing.T) {
	d, err := ParseSeconds("0")
	require.NoError(t, err)
	assert.Zero(t, d)
	maxSeconds := int64(1<<63-1) / int64(time.Second)
	d, err = ParseSeconds(strconv.FormatInt(maxSeconds, 10))
	require.NoError(t, err)
	assert.Equal(t, time.Duration(maxSeconds)*time.Second, d)
	_, err = ParseSeconds(strconv.FormatInt(maxSeconds+1, 10) + "s")
	require.Error(t, err)
	_, err = ParseSeconds("-1")
	require.Error(t, err)
}

// A type mismatch names the field when encoding/json knows it.
func TestDescribeNamesTheField(t *testing.T) {
	var v struct {
		N int `json:"n"`
	}
	err := Unmarshal([]byte(`{"n":"SECRET"}`), &v)
	require.Error(t, err)
	assert.Equal(t, "field n: JSON string where int was expected", err.Error())
	var n int
	err = Unmarshal([]byte(`"SECRET"`), &n)
	require.Error(t, err)
	assert.Equal(t, "JSON string where int was expected", err.Error())
}

// JSONText unquotes a string, keeps any other value as compact JSON, and
// reads null as ""; called directly on bytes that are not JSON, it fails.
func TestJSONText(t *testing.T) {
	cases := map[string]JSONText{
		`null`:             "",
		`""`:               "",
		`"{\"x\": 1}"`:     `{"x": 1}`,
		`{ "a" : [1, 2] }`: `{"a":[1,2]}`,
		"[1,\n 2]":         `[1,2]`,
		`12`:               `12`,
		`true`:             `true`,
	}
	for in, want := range cases {
		v := JSONText("stale")
		require.NoError(t, v.UnmarshalJSON([]byte(in)), in)
		assert.Equal(t, want, v, in)
	}
	for _, bad := range []string{`{"a":`, `"open`, `[1,]`} {
		v := JSONText("stale")
		require.Error(t, v.UnmarshalJSON([]byte(bad)), bad)
	}
}

// Unmarshal fills v on success; each kind of failure has its own text,
// none quoting the document.
func TestUnmarshalErrorKinds(t *testing.T) {
	var v struct {
		A int    `json:"a"`
		S String `json:"s"`
	}
	require.NoError(t, Unmarshal([]byte(`{"a":7,"s":"x"}`), &v))
	assert.Equal(t, 7, v.A)
	assert.Equal(t, String("x"), v.S)

	cases := map[string]struct {
		body string
		into any
	}{
		"truncated JSON":                  {`{"a":1`, &v},
		"malformed JSON at byte offset 8": {`{"a":1}x`, &v},
		"want text, got a JSON structure": {`{"s":["SECRET"]}`, &v},
		"invalid JSON document":           {`{"a":1}`, v}, // not a pointer
	}
	for want, tc := range cases {
		err := Unmarshal([]byte(tc.body), tc.into)
		require.Error(t, err, want)
		assert.Equal(t, want, err.Error())
	}
	var shape *ShapeError
	require.ErrorAs(t, Unmarshal([]byte(`{"s":{"a":1}}`), &v), &shape)
}

// Int64 takes a whole number in float form down to int64's least value,
// and nothing at or past 2^63.
func TestInt64FloatRange(t *testing.T) {
	v := Int64(42)
	require.NoError(t, v.UnmarshalJSON([]byte(`-9.223372036854775808e18`)))
	assert.Equal(t, Int64(math.MinInt64), v)
	require.NoError(t, v.UnmarshalJSON([]byte(`9.2233720368547748e18`)))
	assert.Equal(t, Int64(9223372036854774784), v)
	for _, bad := range []string{`9.223372036854775807e18`, `9.2233720368547758e18`, `-9.2233720368547779e18`} {
		require.Error(t, v.UnmarshalJSON([]byte(bad)), bad)
	}
}

// EpochTime takes seconds up to ±1e11 (the year 5138) and milliseconds
// beyond, on both sides of 1970.
func TestEpochTimeThreshold(t *testing.T) {
	cases := map[int64]time.Time{
		1e11:      time.Unix(1e11, 0).UTC(),
		1e11 + 1:  time.UnixMilli(1e11 + 1).UTC(),
		-1e11:     time.Unix(-1e11, 0).UTC(),
		-1e11 - 1: time.UnixMilli(-1e11 - 1).UTC(),
		1:         time.Unix(1, 0).UTC(),
	}
	for n, want := range cases {
		assert.Equal(t, want, EpochTime(n), n)
	}
}
