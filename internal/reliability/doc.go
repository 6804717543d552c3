// Package reliability holds the suite that proves the clients hold up on a
// bad day: the fault matrix (every scripted failure against both kms and
// sae, with the expected attempts and outcome), concurrency with faults
// under -race, shared credential retrieval, a goroutine-leak check, and
// secret hygiene across every error path. RELIABILITY.md at the repository
// root is the readable table of it. The package has no non-test code.
package reliability
