package signer

import (
	"crypto/hmac"
	"hash"
)

// hmacInto returns the HMAC (crypto/hmac) of msg keyed with key+suffix,
// using the spare capacity of scratch for the key and the sum, so a sized
// buffer spares two allocations. The key bytes are cleared after use.
func hmacInto(scratch []byte, h func() hash.Hash, key, suffix string, msg []byte) []byte {
	k := append(append(scratch[:0], key...), suffix...)
	mac := hmac.New(h, k)
	clear(k)
	mac.Write(msg)
	return mac.Sum(scratch[:0])
}

// spare returns n plus the lengths of ss: the size of a buffer that will
// hold n bytes and each of ss (or as much as each, as a bound).
func spare(n int, ss ...string) int {
	for _, s := range ss {
		n += len(s)
	}
	return n
}
