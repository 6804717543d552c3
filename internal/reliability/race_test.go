//go:build race

package reliability

// raceBuild: the race detector slows every request about tenfold, so the
// fleet simulations run a quarter of the fleet against a quarter of the
// gateway's rate (same 4s physical minimum, same clients per second of
// capacity); see RELIABILITY.md.
const raceBuild = true
