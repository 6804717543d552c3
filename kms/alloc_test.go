package kms_test

import (
	"testing"

	"github.com/alisecret/alisecret-go/kms"
)

// TestAllocationBudget enforces the performance budget by allocation
// counts, not time: one GetSecretValue round trip costs at most 1.25 times
// the allocations of the floor client's, both measured here against the
// same server in another process with the same http.Client.
func TestAllocationBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	c, floor := loopbackClients(t)
	in := &kms.GetSecretValueInput{SecretName: loopbackSecretName}
	ours := func() {
		out, err := c.GetSecretValue(ctx, in)
		if err != nil || out.SecretData != loopbackSecretValue {
			t.Fatalf("GetSecretValue: %v", err)
		}
	}
	ref := func() {
		out, err := floor.get(loopbackSecretName)
		if err != nil || out.SecretData != loopbackSecretValue {
			t.Fatalf("floor: %v", err)
		}
	}
	ours() // warm up: connection, type caches
	ref()
	const runs = 200
	oursAllocs := testing.AllocsPerRun(runs, ours)
	floorAllocs := testing.AllocsPerRun(runs, ref)
	t.Logf("allocations per call: ours %.1f, floor %.1f, ratio %.2f", oursAllocs, floorAllocs, oursAllocs/floorAllocs)
	if oursAllocs > 1.25*floorAllocs {
		t.Errorf("GetSecretValue allocates %.1f times per call, over 1.25 x the floor's %.1f", oursAllocs, floorAllocs)
	}
}
