package signer

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionString(t *testing.T) {
	assert.Equal(t, "V1", V1.String())
	assert.Equal(t, "V3", V3.String())
	assert.Equal(t, "Version(7)", Version(7).String())
	assert.Equal(t, V1, Version(0), "V1 is the zero value")
}

// Signing leaves the caller's Request as it was, so that the same Request
// can be signed again for a retry and gives the same query.
func TestSignLeavesTheRequestAlone(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "s", SecurityToken: "tok"}
	r := &Request{Method: "GET", Host: "h", Path: "/p", Action: "A", Version: "V", Query: url.Values{"k": {"v"}}}
	first, err := SignRPC(r, c, benchTime, "n")
	require.NoError(t, err)
	assert.Equal(t, url.Values{"k": {"v"}}, r.Query)
	again, err := SignRPC(r, c, benchTime, "n")
	require.NoError(t, err)
	assert.Equal(t, first, again)
	for _, sign := range []func(http.Header, *Request, Credentials) (string, error){
		func(h http.Header, r *Request, c Credentials) (string, error) {
			return SignROA(h, r, c, benchTime, "n")
		},
		func(h http.Header, r *Request, c Credentials) (string, error) {
			return SignACS3(h, r, c, benchTime, "n")
		},
	} {
		_, err := sign(http.Header{}, r, c)
		require.NoError(t, err)
		assert.Equal(t, url.Values{"k": {"v"}}, r.Query)
		assert.Equal(t, "/p", r.Path)
	}
	// A request without parameters signs too.
	q, err := SignRPC(&Request{Method: "GET", Action: "A", Version: "V"}, c, benchTime, "n")
	require.NoError(t, err)
	assert.Contains(t, q, "Action=A&")
}

// An empty Path is the root: ROA v1 and ACS3 sign "/" for it.
func TestEmptyPathIsRoot(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "s"}
	for name, sign := range map[string]func(http.Header, *Request, Credentials, time.Time, string) (string, error){
		"roa": SignROA, "acs3": SignACS3,
	} {
		root, empty := http.Header{}, http.Header{}
		_, err := sign(root, &Request{Method: "GET", Host: "h", Path: "/", Action: "A", Version: "V"}, c, benchTime, "n")
		require.NoError(t, err)
		_, err = sign(empty, &Request{Method: "GET", Host: "h", Action: "A", Version: "V"}, c, benchTime, "n")
		require.NoError(t, err)
		assert.Equal(t, root.Get("Authorization"), empty.Get("Authorization"), name)
		assert.NotEmpty(t, empty.Get("Authorization"), name)
	}
}
