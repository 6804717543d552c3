package kms_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// allocationBudget is the most allocations one call may make, as a
// multiple of its hand-written floor's (issue 12).
const allocationBudget = 1.4

// TestAllocationBudget enforces the performance budget by allocation
// counts, not time: one GetSecretValue round trip, signed with RPC v1 and
// with ACS3, costs at most allocationBudget times the allocations of the
// floor client's same call, both measured here against the same server in
// another process with the same http.Client.
func TestAllocationBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	for _, tc := range []struct {
		name    string
		version signer.Version
	}{{"rpc v1", signer.V1}, {"acs3", signer.V3}} {
		t.Run(tc.name, func(t *testing.T) {
			c, floor := loopbackClients(t, tc.version)
			get := floor.get
			if tc.version == signer.V3 {
				get = floor.getACS3
			}
			in := &kms.GetSecretValueInput{SecretName: loopbackSecretName}
			ours := func() {
				out, err := c.GetSecretValue(ctx, in)
				require.NoError(t, err)
				require.Equal(t, loopbackSecretValue, out.SecretData)
			}
			ref := func() {
				out, err := get(loopbackSecretName)
				require.NoError(t, err)
				require.Equal(t, loopbackSecretValue, out.SecretData)
			}
			ours() // warm up: connection, type caches
			ref()
			const runs = 200
			oursAllocs := testing.AllocsPerRun(runs, ours)
			floorAllocs := testing.AllocsPerRun(runs, ref)
			t.Logf("allocations per call: ours %.1f, floor %.1f, ratio %.2f", oursAllocs, floorAllocs, oursAllocs/floorAllocs)
			assert.LessOrEqual(t, oursAllocs, allocationBudget*floorAllocs, "GetSecretValue (%s) over %.2f x the floor's allocations", tc.name, allocationBudget)
		})
	}
}
