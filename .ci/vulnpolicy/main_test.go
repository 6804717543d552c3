package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixGo is the go directive of the fixed versions the tests name.
func fixGo(module, version string) (string, error) {
	switch module + "@" + version {
	case "golang.org/x/net@v0.36.0":
		return "1.23.0", nil
	case "golang.org/x/net@v0.60.0":
		return "1.25.0", nil
	}
	return "", errors.New("unknown version")
}

const config = `{"config":{"go_version":"go1.26.8","db":"file:///db"}}`

func TestRun(t *testing.T) {
	tests := []struct {
		name     string
		stream   string
		fail     bool
		contains string
	}{
		{"nothing found", config, false, "0 findings"},
		{"a reachable symbol in the standard library",
			config + `{"finding":{"osv":"GO-1","fixed_version":"v1.26.9","trace":[{"module":"stdlib","version":"v1.26.8","package":"net/http","function":"Write","receiver":"*chunkWriter"},{"module":"example.com/m","package":"example.com/m","function":"F","position":{"filename":"m.go","line":7}}]}}`,
			false, "net/http.chunkWriter.Write (go1.26.8), reached from m.go:7"},
		{"a reachable symbol in a dependency",
			config + `{"finding":{"osv":"GO-2","fixed_version":"v0.60.0","trace":[{"module":"golang.org/x/net","version":"v0.50.0","package":"golang.org/x/net/html","function":"Parse"},{"module":"example.com/m","function":"F"}]}}`,
			true, "reachable from our code; fixed in golang.org/x/net@v0.60.0"},
		{"an imported package whose fix fits the go directive",
			config + `{"finding":{"osv":"GO-2025-3503","fixed_version":"v0.36.0","trace":[{"module":"golang.org/x/net","version":"v0.26.0"}]}}` +
				`{"finding":{"osv":"GO-2025-3503","fixed_version":"v0.36.0","trace":[{"module":"golang.org/x/net","version":"v0.26.0","package":"golang.org/x/net/proxy"}]}}`,
			true, "raise golang.org/x/net to v0.36.0 (go 1.23.0)"},
		{"an imported package whose fix needs a newer go",
			config + `{"finding":{"osv":"GO-3","fixed_version":"v0.60.0","trace":[{"module":"golang.org/x/net","version":"v0.50.0","package":"golang.org/x/net/proxy"}]}}`,
			false, "needs go 1.25.0 and this module states go 1.24.0"},
		{"an imported package without a fix",
			config + `{"finding":{"osv":"GO-4","trace":[{"module":"example.com/dep","version":"v1.0.0","package":"example.com/dep/p"}]}}`,
			false, "no fixed version yet"},
		{"a required module whose package is not imported",
			config + `{"finding":{"osv":"GO-5","fixed_version":"v0.36.0","trace":[{"module":"golang.org/x/net","version":"v0.26.0"}]}}`,
			false, "required, but no vulnerable package is imported"},
		{"a fix whose go directive cannot be read fails safe",
			config + `{"finding":{"osv":"GO-6","fixed_version":"v9.9.9","trace":[{"module":"golang.org/x/net","version":"v0.50.0","package":"golang.org/x/net/proxy"}]}}`,
			true, "its go directive unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			fail, err := run(strings.NewReader(tt.stream), &out, "1.24.0", fixGo)
			require.NoError(t, err)
			assert.Equal(t, tt.fail, fail, out.String())
			assert.Contains(t, out.String(), tt.contains)
		})
	}
}

func TestRunRejectsBrokenJSON(t *testing.T) {
	_, err := run(strings.NewReader(config+`{"finding":`), &strings.Builder{}, "1.24.0", fixGo)
	require.Error(t, err)
}

func TestParseGoLine(t *testing.T) {
	v, err := parseGoLine("go.mod", []byte("module m\n\ngo 1.24.0\n\nrequire x v1\n"))
	require.NoError(t, err)
	assert.Equal(t, "1.24.0", v)
	_, err = parseGoLine("go.mod", []byte("module m\n"))
	require.Error(t, err)
}
