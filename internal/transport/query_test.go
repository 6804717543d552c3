package transport

import (
	"errors"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

type queryInput struct {
	Name    string `url:"Name"`
	Stage   string `url:"Stage,omitempty"`
	Flag    bool   `url:"Flag,omitempty"`
	Always  bool   `url:"Always"`
	ID      int64  `url:"Id"`
	Count   uint16 `url:",omitempty"`
	Skipped string `url:"-"`
	hidden  string //nolint:unused // unexported fields are never encoded
}

func TestEncodeQuery(t *testing.T) {
	cases := []struct {
		name string
		in   *queryInput
		want url.Values
	}{
		{"zero values and omitempty", &queryInput{}, url.Values{"Name": {""}, "Always": {"false"}, "Id": {"0"}}},
		{"every field", &queryInput{Name: "a b/c", Stage: "ACSPrevious", Flag: true, Always: true, ID: -1, Count: 7, Skipped: "x", hidden: "y"},
			url.Values{"Name": {"a b/c"}, "Stage": {"ACSPrevious"}, "Flag": {"true"}, "Always": {"true"}, "Id": {"-1"}, "Count": {"7"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EncodeQuery("svc", "Op", tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestEncodeQueryRejects(t *testing.T) {
	var nilIn *queryInput
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"nil pointer", nilIn, "kms Op: invalid input: input is nil"},
		{"not a struct", "text", "kms Op: invalid input: input is a string, not a struct"},
		{"nil interface", nil, "kms Op: invalid input: input is a invalid, not a struct"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := EncodeQuery("kms", "Op", tc.in)
			require.ErrorIs(t, err, signer.ErrInvalidInput)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

// refusingEncoder is a field type whose encoding fails.
type refusingEncoder struct{}

func (refusingEncoder) EncodeValues(string, *url.Values) error {
	return errors.New("cannot encode this field")
}

func TestEncodeQueryFieldError(t *testing.T) {
	in := struct {
		Bad refusingEncoder `url:"Bad"`
	}{}
	_, err := EncodeQuery("kms", "Op", &in)
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Equal(t, "kms Op: invalid input: cannot encode this field", err.Error())
}
