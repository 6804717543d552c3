//go:build !race

package kms_test

const raceBuild = false
