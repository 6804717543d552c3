//go:build !race

package signer

const raceBuild = false
