package transport

import (
	"testing"

	"github.com/google/go-querystring/query"
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

// go-querystring defines the encoding; ours must agree with it.
func FuzzEncodeQueryMatchesGoQuerystring(f *testing.F) {
	f.Add("db", "", false, true, int64(16), uint16(0))
	f.Add("a b/c*~", "ACSPrevious", true, false, int64(-1), uint16(7))
	f.Fuzz(func(t *testing.T, name, stage string, flag, always bool, id int64, count uint16) {
		in := &queryInput{Name: name, Stage: stage, Flag: flag, Always: always, ID: id, Count: count, Skipped: "x", hidden: "y"}
		want, err := query.Values(in)
		require.NoError(t, err)
		got, err := EncodeQuery("svc", "Op", in)
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}

func TestEncodeQueryRejects(t *testing.T) {
	var nilIn *queryInput
	_, err := EncodeQuery("kms", "Op", nilIn)
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	_, err = EncodeQuery("kms", "Op", "text")
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	_, err = EncodeQuery("kms", "Op", struct {
		L []string `url:"L"`
	}{})
	require.ErrorIs(t, err, signer.ErrInvalidInput)
	assert.Contains(t, err.Error(), "kind slice")
}

func TestEncodeQueryAllocations(t *testing.T) {
	in := &queryInput{Name: "db", Always: true, ID: 16}
	_, err := EncodeQuery("s", "o", in) // plan cached
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() { _, _ = EncodeQuery("s", "o", in) })
	// The map, one []string per parameter and the formatted id.
	assert.LessOrEqual(t, allocs, 6.0)
}
