package sae_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
)

// TestAllocationBudget enforces the performance budget by allocation
// counts, not time: one DescribeSecret round trip (ROA v1) costs at most
// 1.4 times the allocations of the floor client's, both measured here
// against the same server in another process with the same http.Client.
func TestAllocationBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server process")
	}
	c, floor := loopbackClients(t)
	in := &sae.DescribeSecretInput{NamespaceID: loopbackNamespace, SecretID: 16}
	ours := func() {
		out, err := c.DescribeSecret(ctx, in)
		require.NoError(t, err)
		require.Equal(t, int64(16), out.Secret.SecretID)
	}
	ref := func() {
		out, err := floor.describe(loopbackNamespace, 16)
		require.NoError(t, err)
		require.Equal(t, int64(16), out.Data.SecretId)
	}
	ours() // warm up: connection, type caches
	ref()
	const runs = 200
	oursAllocs := testing.AllocsPerRun(runs, ours)
	floorAllocs := testing.AllocsPerRun(runs, ref)
	t.Logf("allocations per call: ours %.1f, floor %.1f, ratio %.2f", oursAllocs, floorAllocs, oursAllocs/floorAllocs)
	assert.LessOrEqual(t, oursAllocs, 1.4*floorAllocs, "DescribeSecret over 1.4 x the floor's allocations")
}
