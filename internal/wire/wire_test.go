package wire

import (
	"encoding/json"
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
		err := json.Unmarshal(b, &l) // must not panic or recurse without end
		var plain []string
		if json.Unmarshal(b, &plain) == nil && len(plain) > 0 {
			require.NoError(t, err)
			require.Equal(t, plain, []string(l), "a bare array decodes as itself")
		}
	})
}
