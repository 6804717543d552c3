package sae

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/wire"
)

// RelateApps decodes as wire.List does (bare, wrapped under one key, a
// single element, null) in both documents that carry it.
func TestRelateAppsShapes(t *testing.T) {
	want := []RelateApp{{AppID: "a1", AppName: "web"}}
	for _, apps := range []string{
		`[{"AppId":"a1","AppName":"web"}]`,
		`{"RelateApp":[{"AppId":"a1","AppName":"web"}]}`,
		`{"AppId":"a1","AppName":"web"}`,
	} {
		var d describeSecretWire
		require.NoError(t, wire.Unmarshal([]byte(`{"Success":true,"Data":{"NamespaceId":"n","SecretId":1,"RelateApps":`+apps+`}}`), &d), apps)
		assert.Equal(t, want, relateApps(d.Data.RelateApps), "DescribeSecret: %s", apps)
		var l listSecretsWire
		require.NoError(t, wire.Unmarshal([]byte(`{"Success":true,"Data":{"Secrets":[{"SecretId":1,"RelateApps":`+apps+`}]}}`), &l), apps)
		assert.Equal(t, want, relateApps(l.Data.Secrets[0].RelateApps), "ListSecrets: %s", apps)
	}
	var d describeSecretWire
	require.NoError(t, wire.Unmarshal([]byte(`{"Success":true,"Data":{"SecretId":1,"RelateApps":null}}`), &d))
	assert.Nil(t, relateApps(d.Data.RelateApps))
}
