package signer

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHMACMatchesCryptoHMAC(t *testing.T) {
	keys := []string{"", "k", "testsecret", strings.Repeat("x", 63), strings.Repeat("y", 64), strings.Repeat("z", 65), strings.Repeat("w", 200)}
	msgs := []string{"", "m", strings.Repeat("message ", 300)}
	for _, k := range keys {
		for _, m := range msgs {
			ref1 := hmac.New(sha1.New, []byte(k+"&"))
			ref1.Write([]byte(m))
			got1 := hmacSHA1(k, "&", []byte(m))
			require.Equal(t, ref1.Sum(nil), got1[:], "sha1 key len %d msg len %d", len(k), len(m))

			ref2 := hmac.New(sha256.New, []byte(k))
			ref2.Write([]byte(m))
			got2 := hmacSHA256(k, []byte(m))
			require.Equal(t, ref2.Sum(nil), got2[:], "sha256 key len %d msg len %d", len(k), len(m))
		}
	}
}

func FuzzHMAC(f *testing.F) {
	f.Add("key", "&", []byte("msg"))
	f.Fuzz(func(t *testing.T, key, suffix string, msg []byte) {
		ref := hmac.New(sha1.New, []byte(key+suffix))
		ref.Write(msg)
		got := hmacSHA1(key, suffix, msg)
		require.Equal(t, ref.Sum(nil), got[:])
	})
}
