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
	srv := kmstest.NewServer(kmstest.WithAccessKey(kmstest.DefaultAccessKeyID, kmstest.DefaultAccessKeySecret), kmstest.WithSTS(stsID, stsSecret, stsToken))
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
	sts := sdkreplay.Key{ID: stsID, Secret: stsSecret, Token: stsToken}
	sdkreplay.CheckAll(t, "testdata/sdk_requests_sts.json", srv.URL, srv.HTTPClient(), sts, time.Now)
}

const (
	stsID     = "STS.NUgYrLnoC37mZZCNnAbez2"
	stsSecret = "kmstest-sts-secret"
	stsToken  = "CAIS+sts/token=="
)
