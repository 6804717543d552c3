//go:build race

package kms_test

// raceBuild: the race detector slows every request about tenfold, so the
// Preload fleet runs at a quarter of its size (and of the gateway's rate).
const raceBuild = true
