package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

func TestLoadSeed(t *testing.T) {
	s, err := LoadSeed("testdata/seed.json")
	require.NoError(t, err)
	assert.Equal(t, []AccessKey{{ID: "LTAIfakeserverTest", Secret: "fakeserver-test-secret"},
		{ID: "STS.fakeserverTest", Secret: "fakeserver-sts-secret", SecurityToken: "CAIS+sts/token=="}}, s.AccessKeys)
	require.Len(t, s.KMS, 2)
	assert.Equal(t, []kms.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "payments"}}, s.KMS[0].Tags, "sorted by key")
	assert.Equal(t, []kmstest.Version{
		{ID: "v1", Data: "old-Pa55w0rd", Stages: []string{"ACSPrevious"}},
		{ID: "v2", Data: "n3w-Pa55w0rd!", Stages: []string{"ACSCurrent"}},
	}, s.KMS[0].Versions)
	assert.Equal(t, []kmstest.Version{{ID: "v1", Data: "tok-123", Stages: []string{"ACSCurrent"}}}, s.KMS[1].Versions, "defaults")
	require.Len(t, s.SAE, 2)
	assert.Equal(t, saetest.Secret{NamespaceID: "cn-beijing:test", SecretID: 17, SecretName: "db-credentials",
		SecretData: map[string]string{"password": "czNjcjN0"}}, s.SAE[1])
}

// The seed format of DESIGN.md, verbatim, loads.
func TestDesignSeedExample(t *testing.T) {
	s, err := ParseSeed([]byte(`{
  "accessKeys": [{"id": "LTAIexample", "secret": "example-secret"}],
  "kms": [{"name": "prod/db-password", "data": "s3cr3t", "dataType": "text", "type": "Generic",
           "versionId": "v1", "stages": ["ACSCurrent"], "tags": {"team": "payments"}}],
  "sae": [{"namespaceId": "cn-beijing:prod", "secretId": 16, "name": "registry-auth",
           "type": "kubernetes.io/dockerconfigjson", "data": {".dockerconfigjson": "eyJhdXRocyI6e319"}}]
}`))
	require.NoError(t, err)
	assert.Equal(t, kmstest.Secret{Name: "prod/db-password", Type: "Generic", DataType: "text",
		Tags:     []kms.Tag{{Key: "team", Value: "payments"}},
		Versions: []kmstest.Version{{ID: "v1", Data: "s3cr3t", Stages: []string{"ACSCurrent"}}}}, s.KMS[0])
	assert.Equal(t, saetest.Secret{NamespaceID: "cn-beijing:prod", SecretID: 16, SecretName: "registry-auth",
		SecretType: "kubernetes.io/dockerconfigjson", SecretData: map[string]string{".dockerconfigjson": "eyJhdXRocyI6e319"}}, s.SAE[0])
}

func TestMalformedSeeds(t *testing.T) {
	const key = `"accessKeys":[{"id":"LTAIa","secret":"SEED-SECRET"}]`
	cases := map[string]struct{ seed, want string }{
		"unknown top-level field": {`{` + key + `,"kmss":[]}`, `unknown field "kmss" (known: accessKeys, kms, sae)`},
		"unknown kms field":       {`{` + key + `,"kms":[{"name":"a","data":"x"},{"name":"db","data":"SEED-VALUE","tag":{}}]}`, `kms[1] (db): unknown field "tag"`},
		"unknown version field":   {`{` + key + `,"kms":[{"name":"db","versions":[{"versionId":"v1","data":"SEED-VALUE","stage":["ACSCurrent"]}]}]}`, `kms[0] (db): unknown field "stage"`},
		"unknown sae field":       {`{` + key + `,"sae":[{"namespaceId":"n","name":"reg","secret_id":16}]}`, `sae[0] (reg): unknown field "secret_id"`},
		"unknown key field":       {`{"accessKeys":[{"id":"LTAIa","secret":"SEED-SECRET","token":"t"}]}`, `accessKeys[0] (LTAIa): unknown field "token"`},
		"wrong type":              {`{` + key + `,"sae":[{"namespaceId":"n","name":"reg","secretId":"16"}]}`, `sae[0] (reg): secretId: want int64, got a JSON string`},
		"wrong type tags":         {`{` + key + `,"kms":[{"name":"db","data":"SEED-VALUE","tags":["team"]}]}`, `kms[0] (db): tags: want map[string]string, got a JSON array`},
		"syntax":                  {"{\n" + key + ",\n\"kms\": [,]}", `line 3: not valid JSON`},
		"no access key":           {`{"kms":[]}`, `accessKeys: at least one access key is required`},
		"key without secret":      {`{"accessKeys":[{"id":"LTAIa"}]}`, `accessKeys[0] (LTAIa): secret is required`},
		"key without id":          {`{"accessKeys":[{"secret":"SEED-SECRET"}]}`, `accessKeys[0]: id is required`},
		"key twice":               {`{"accessKeys":[{"id":"LTAIa","secret":"SEED-SECRET"},{"id":"LTAIa","secret":"SEED-SECRET"}]}`, `accessKeys[1] (LTAIa): id given twice`},
		"kms without name":        {`{` + key + `,"kms":[{"data":"SEED-VALUE"}]}`, `kms[0]: name is required`},
		"kms without data":        {`{` + key + `,"kms":[{"name":"db"}]}`, `kms[0] (db): data or versions is required`},
		"kms data and versions":   {`{` + key + `,"kms":[{"name":"db","data":"SEED-VALUE","versions":[{"versionId":"v1"}]}]}`, `kms[0] (db): give either data`},
		"kms stages without data": {`{` + key + `,"kms":[{"name":"db","stages":["ACSCurrent"]}]}`, `kms[0] (db): data is required with versionId or stages`},
		"kms name twice":          {`{` + key + `,"kms":[{"name":"db","data":"x"},{"name":"db","data":"y"}]}`, `kms[1] (db): name given twice`},
		"kms bad dataType":        {`{` + key + `,"kms":[{"name":"db","data":"x","dataType":"blob"}]}`, `kms[0] (db): dataType "blob" is not`},
		"kms version without id":  {`{` + key + `,"kms":[{"name":"db","versions":[{"data":"SEED-VALUE"}]}]}`, `kms[0] (db): versions[0].versionId is required`},
		"kms version id twice":    {`{` + key + `,"kms":[{"name":"db","versions":[{"versionId":"v1"},{"versionId":"v1"}]}]}`, `kms[0] (db): versions[1].versionId "v1" is also versions[0]'s`},
		"kms stage twice":         {`{` + key + `,"kms":[{"name":"db","versions":[{"versionId":"v1","stages":["ACSCurrent"]},{"versionId":"v2","stages":["ACSCurrent"]}]}]}`, `kms[0] (db): stage "ACSCurrent" is on versions[0] and versions[1]`},
		"sae without name":        {`{` + key + `,"sae":[{"namespaceId":"n"}]}`, `sae[0]: name is required`},
		"sae without namespace":   {`{` + key + `,"sae":[{"name":"reg"}]}`, `sae[0] (reg): namespaceId is required`},
		"sae negative id":         {`{` + key + `,"sae":[{"namespaceId":"n","name":"reg","secretId":-1}]}`, `sae[0] (reg): secretId -1 is negative`},
		"sae id twice":            {`{` + key + `,"sae":[{"namespaceId":"n","name":"a","secretId":3},{"namespaceId":"n","name":"b","secretId":3}]}`, `sae[1] (b): secretId 3 given twice`},
		"sae name twice":          {`{` + key + `,"sae":[{"namespaceId":"n","name":"a"},{"namespaceId":"n","name":"a"}]}`, `sae[1] (a): name given twice in namespace n`},
		"trailing value":          {`{` + key + `} {}`, `more than one JSON value`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSeed([]byte(tc.seed))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "SEED-SECRET")
			assert.NotContains(t, err.Error(), "SEED-VALUE")
		})
	}
	// Same names in different namespaces are fine.
	_, err := ParseSeed([]byte(`{` + key + `,"sae":[{"namespaceId":"n","name":"a"},{"namespaceId":"m","name":"a"}]}`))
	require.NoError(t, err)
}

func TestLoadSeedNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"accessKeys":[]}`), 0o600))
	_, err := LoadSeed(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "seed file "+path+": accessKeys")
	_, err = LoadSeed(filepath.Join(t.TempDir(), "missing.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
