package kmstest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The client validates before sending, so the fake's own checks (which a
// request from another SDK or a hand-made one meets) are tested here.
func TestParseFiltersRejectsWhatKMSRejects(t *testing.T) {
	tests := map[string]string{
		"not JSON":     `{`,
		"11 filters":   "[" + strings.Repeat(`{"Key":"SecretName","Values":["a"]},`, 10) + `{"Key":"SecretName","Values":["a"]}]`,
		"unknown key":  `[{"Key":"Name","Values":["a"]}]`,
		"11 values":    `[{"Key":"TagKey","Values":["a","b","c","d","e","f","g","h","i","j","k"]}]`,
		"not an array": `{"Key":"SecretName"}`,
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			_, e := parseFilters(text)
			require.NotNil(t, e)
			assert.Equal(t, 400, e.Status)
			assert.Equal(t, "InvalidParameter", e.Code)
		})
	}
	fs, e := parseFilters(`[{"Key":"SecretName","Values":["a","b"]},{"Key":"Creator","Values":[]}]`)
	require.Nil(t, e)
	assert.Equal(t, []filter{{Key: "SecretName", Values: []string{"a", "b"}}, {Key: "Creator", Values: []string{}}}, fs)

	// The limits themselves are allowed: 10 filters, 10 values in one.
	ten := `{"Key":"TagKey","Values":["a","b","c","d","e","f","g","h","i","j"]}`
	fs, e = parseFilters("[" + strings.Repeat(ten+",", 9) + ten + "]")
	require.Nil(t, e)
	require.Len(t, fs, 10)
	assert.Len(t, fs[9].Values, 10)
}

func TestPaging(t *testing.T) {
	get := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		params               map[string]string
		number, size, lo, hi int
	}{
		{map[string]string{}, 1, 10, 0, 10},
		{map[string]string{"PageNumber": "3", "PageSize": "10"}, 3, 10, 20, 25},
		{map[string]string{"PageNumber": "4", "PageSize": "10"}, 4, 10, 25, 25},
		{map[string]string{"PageSize": "100"}, 1, 100, 0, 25},
		{map[string]string{"PageNumber": "1", "PageSize": "1"}, 1, 1, 0, 1},
		{map[string]string{"PageNumber": "2", "PageSize": "1"}, 2, 1, 1, 2},
	}
	for _, tt := range tests {
		number, size, lo, hi, e := paging(get(tt.params), 25, 10)
		require.Nil(t, e)
		assert.Equal(t, [4]int{tt.number, tt.size, tt.lo, tt.hi}, [4]int{number, size, lo, hi}, "%v", tt.params)
	}
	for _, bad := range []map[string]string{{"PageNumber": "0"}, {"PageNumber": "x"}, {"PageSize": "0"}, {"PageSize": "101"}} {
		_, _, _, _, e := paging(get(bad), 25, 10)
		require.NotNil(t, e, "%v", bad)
		assert.Equal(t, "InvalidParameter", e.Code)
	}
}
