package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

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
	created, rotated := time.Date(2024, 2, 21, 15, 39, 26, 0, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	assert.Equal(t, kmstest.Secret{Name: "prod/db-password", Type: "Generic", DataType: "text",
		Tags:       []kms.Tag{{Key: "env", Value: "prod"}, {Key: "team", Value: "payments"}},
		CreateTime: created, UpdateTime: created, AutomaticRotation: "Enabled", RotationInterval: 7 * 24 * time.Hour,
		LastRotationDate: rotated, NextRotationDate: rotated.Add(7 * 24 * time.Hour),
		Versions: []kmstest.Version{
			{ID: "v1", Data: "old-Pa55w0rd", Stages: []string{"ACSPrevious"}, CreateTime: created},
			{ID: "v2", Data: "n3w-Pa55w0rd!", Stages: []string{"ACSCurrent"}, CreateTime: rotated},
		}}, s.KMS[0], "a version's createTime defaults to the secret's")
	assert.Equal(t, []kmstest.Version{{ID: "v1", Data: "tok-123", Stages: []string{"ACSCurrent"}}}, s.KMS[1].Versions, "defaults")
	require.Len(t, s.SAE, 2)
	assert.Equal(t, created, s.SAE[0].CreateTime)
	assert.Equal(t, created, s.SAE[0].UpdateTime)
	assert.Equal(t, saetest.Secret{NamespaceID: "cn-beijing:test", SecretID: 17, SecretName: "db-credentials",
		SecretData: map[string]string{"password": "czNjcjN0"}}, s.SAE[1], "no times unless given")
}

// The seed format the command's documentation shows, verbatim, loads.
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
		"kms bad createTime":      {`{` + key + `,"kms":[{"name":"db","data":"SEED-VALUE","createTime":"21/02/2024"}]}`, `kms[0] (db): createTime "21/02/2024" is not an RFC 3339 time`},
		"kms bad version time":    {`{` + key + `,"kms":[{"name":"db","versions":[{"versionId":"v1","createTime":"x"}]}]}`, `kms[0] (db): versions[0].createTime "x" is not an RFC 3339 time`},
		"kms bad next rotation":   {`{` + key + `,"kms":[{"name":"db","data":"x","nextRotationDate":"soon"}]}`, `kms[0] (db): nextRotationDate "soon"`},
		"kms bad last rotation":   {`{` + key + `,"kms":[{"name":"db","data":"x","lastRotationDate":"2024-01-01"}]}`, `kms[0] (db): lastRotationDate "2024-01-01"`},
		"kms bad interval":        {`{` + key + `,"kms":[{"name":"db","data":"x","rotationInterval":"7d"}]}`, `kms[0] (db): rotationInterval "7d" is not a positive whole number of seconds`},
		"kms fractional interval": {`{` + key + `,"kms":[{"name":"db","data":"x","rotationInterval":"1.5s"}]}`, `rotationInterval "1.5s"`},
		"kms negative interval":   {`{` + key + `,"kms":[{"name":"db","data":"x","rotationInterval":"-60s"}]}`, `rotationInterval "-60s"`},
		"kms bad rotation":        {`{` + key + `,"kms":[{"name":"db","data":"x","automaticRotation":"On"}]}`, `kms[0] (db): automaticRotation "On" is not "Enabled", "Disabled" or "Invalid"`},
		"kms unknown time field":  {`{` + key + `,"kms":[{"name":"db","data":"x","createdAt":"2024-01-01T00:00:00Z"}]}`, `kms[0] (db): unknown field "createdAt" (known: name, description, type, dataType, data, versionId, stages, tags, createTime,`},
		"sae bad createTime":      {`{` + key + `,"sae":[{"namespaceId":"n","name":"reg","createTime":"yesterday"}]}`, `sae[0] (reg): createTime "yesterday" is not an RFC 3339 time`},
		"sae unknown field":       {`{` + key + `,"sae":[{"namespaceId":"n","name":"reg","updateTime":"x"}]}`, `sae[0] (reg): unknown field "updateTime" (known: namespaceId, secretId, name, type, data, createTime)`},
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
