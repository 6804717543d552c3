package kmstest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw/sdkreplay"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// TestOfficialSDKShapes: kmstest accepts KMS requests as the classic
// alibaba-cloud-sdk-go and the generated darabonba clients (v2 and ACS3
// signing) send them, and refuses each signed with a wrong key, from an
// unknown key id, out of the time window, or replayed.
func TestOfficialSDKShapes(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	require.NoError(t, srv.PutSecret(kmstest.Secret{
		Name: "prod/db-password",
		Tags: []kms.Tag{{Key: "team", Value: "payments"}},
		Versions: []kmstest.Version{
			{ID: "v1", Stages: []string{"ACSPrevious"}, Data: "old-Pa55w0rd"},
			{ID: "v2", Stages: []string{"ACSCurrent"}, Data: "n3w-Pa55w0rd!"},
		},
	}))
	key := sdkreplay.Key{ID: kmstest.DefaultAccessKeyID, Secret: kmstest.DefaultAccessKeySecret}
	sdkreplay.CheckAll(t, "testdata/sdk_requests.json", srv.URL, srv.HTTPClient(), key, time.Now)
}
