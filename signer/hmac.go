package signer

import (
	"crypto/sha1" // #nosec G505 -- HMAC-SHA1 is what the RPC v1 and ROA v1 protocols specify.
	"crypto/sha256"
	"sync"
)

// The HMACs here follow RFC 2104 over sha1.Sum and sha256.Sum256 with a
// pooled scratch buffer, so that signing a request does not allocate the
// hash states, pads and key copies that crypto/hmac allocates per use.
// hmac_test.go checks them against crypto/hmac.

const hmacBlockSize = 64 // SHA-1 and SHA-256 both have 64-byte blocks

type scratch struct{ b []byte }

var scratchPool = sync.Pool{New: func() any { return &scratch{b: make([]byte, 0, 1024)} }}

// hmacKeyBlock returns key+suffix padded (or, if longer than a block,
// hashed) to one block, as RFC 2104 prescribes. The suffix is the "&" that
// RPC v1 appends to the secret, passed apart so no string is built.
func hmacKeyBlock(key, suffix string, long func([]byte) []byte) (k [hmacBlockSize]byte) {
	if len(key)+len(suffix) > hmacBlockSize {
		copy(k[:], long([]byte(key+suffix)))
		return k
	}
	copy(k[copy(k[:], key):], suffix)
	return k
}

func appendXORPad(dst []byte, k *[hmacBlockSize]byte, pad byte) []byte {
	for _, c := range k {
		dst = append(dst, c^pad)
	}
	return dst
}

func hmacSHA1(key, keySuffix string, msg []byte) [sha1.Size]byte {
	k := hmacKeyBlock(key, keySuffix, func(b []byte) []byte { s := sha1.Sum(b); return s[:] })
	s := getBuf()
	b := append(appendXORPad(s.b, &k, 0x36), msg...)
	inner := sha1.Sum(b)
	b = append(appendXORPad(b[:0], &k, 0x5c), inner[:]...)
	out := sha1.Sum(b)
	clear(b[:hmacBlockSize]) // key material does not linger in the pool
	s.b = b
	putBuf(s)
	return out
}

func hmacSHA256(key string, msg []byte) [sha256.Size]byte {
	k := hmacKeyBlock(key, "", func(b []byte) []byte { s := sha256.Sum256(b); return s[:] })
	s := getBuf()
	b := append(appendXORPad(s.b, &k, 0x36), msg...)
	inner := sha256.Sum256(b)
	b = append(appendXORPad(b[:0], &k, 0x5c), inner[:]...)
	out := sha256.Sum256(b)
	clear(b[:hmacBlockSize])
	s.b = b
	putBuf(s)
	return out
}

// getBuf and putBuf lend a scratch buffer (strings to sign, HMAC input);
// putBuf drops one grown past 64 KiB rather than keep it alive in the pool.
func getBuf() *scratch { s := scratchPool.Get().(*scratch); s.b = s.b[:0]; return s }

func putBuf(s *scratch) {
	if cap(s.b) > 64<<10 {
		return // do not keep an outsized buffer alive
	}
	scratchPool.Put(s)
}
