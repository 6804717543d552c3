package saetest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw/sdkreplay"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// TestOfficialSDKShapes: saetest accepts SAE requests as the classic
// alibaba-cloud-sdk-go (ROA v1 without a nonce) and the generated
// darabonba clients (v2 and ACS3 signing) send them, and refuses each
// signed with a wrong key, from an unknown key id, or out of the time
// window, and a replayed nonce when there is one.
func TestOfficialSDKShapes(t *testing.T) {
	srv := saetest.NewServer(saetest.WithAccessKey(saetest.DefaultAccessKeyID, saetest.DefaultAccessKeySecret), saetest.WithSTS(stsID, stsSecret, stsToken))
	defer srv.Close()
	_, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretID: 16, SecretName: "registry-auth",
		SecretType: "kubernetes.io/dockerconfigjson", SecretData: map[string]string{".dockerconfigjson": "e30="}})
	require.NoError(t, err)
	key := sdkreplay.Key{ID: saetest.DefaultAccessKeyID, Secret: saetest.DefaultAccessKeySecret}
	sdkreplay.CheckAll(t, "testdata/sdk_requests.json", srv.URL, srv.HTTPClient(), key, time.Now)
	sts := sdkreplay.Key{ID: stsID, Secret: stsSecret, Token: stsToken}
	sdkreplay.CheckAll(t, "testdata/sdk_requests_sts.json", srv.URL, srv.HTTPClient(), sts, time.Now)
}

const (
	stsID     = "STS.NUgYrLnoC37mZZCNnAbez2"
	stsSecret = "saetest-sts-secret"
	stsToken  = "CAIS+sts/token=="
)
