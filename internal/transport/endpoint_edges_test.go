package transport

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A region id is letters, digits, '-' and '_': each range is accepted up to
// and including its ends, and the bytes just outside them are refused.
func TestValidToken(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"", false},
		{"az", true}, {"AZ", true}, {"09", true}, {"cn-hangzhou_1", true},
		{"a", true}, {"z", true}, {"A", true}, {"Z", true}, {"0", true}, {"9", true}, {"-", true}, {"_", true},
		{"`", false}, {"{", false}, // either side of a..z
		{"@", false}, {"[", false}, // either side of A..Z
		{"/", false}, {":", false}, // either side of 0..9
		{"cn.hangzhou", false}, {"cn hangzhou", false}, {"ok\x00", false},
	}
	for _, tc := range cases {
		t.Run(tc.s, func(t *testing.T) {
			assert.Equal(t, tc.want, validToken(tc.s))
		})
	}
}
