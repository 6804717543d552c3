//go:build race

package signer

// raceBuild: the race detector's instrumentation can move a value to the
// heap, so exact allocation counts hold only without it.
const raceBuild = true
