package kmstest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// The fake's own answers, through the kms client: which version a
// GetSecretValue selects, what DescribeSecret and the list operations
// report, how filters and pages cut the lists. (The kms package's tests
// use the fake too, but a mutation of the fake is judged by these alone.)

func newClient(t *testing.T) (*kmstest.Server, *kms.Client) {
	t.Helper()
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	c, err := srv.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	return srv, c
}

var (
	t0 = time.Date(2024, 2, 21, 15, 39, 26, 0, time.UTC)
	t1 = t0.Add(24 * time.Hour)
)

func TestFakeGetSecretValueSelectsTheVersion(t *testing.T) {
	srv, c := newClient(t)
	require.NoError(t, srv.PutSecret(kmstest.Secret{
		Name: "db", Type: "Rds", DataType: "binary", AutomaticRotation: "Enabled", RotationInterval: 7 * 24 * time.Hour,
		ExtendedConfig: `{"k":"v"}`, LastRotationDate: t0, NextRotationDate: t1,
		Versions: []kmstest.Version{
			{ID: "v1", Data: "b2xk", CreateTime: t0},
			{ID: "v2", Stages: []string{"ACSPrevious"}, Data: "cHJldg=="},
			{ID: "v3", Stages: []string{"ACSCurrent", "blue"}, Data: "bmV3", CreateTime: t1},
		},
	}))
	for _, tt := range []struct {
		name, stage, id, want string
	}{
		{"default: ACSCurrent", "", "", "v3"},
		{"by stage", "ACSPrevious", "", "v2"},
		{"by custom stage", "blue", "", "v3"},
		{"by id, no stage", "", "v1", "v1"},
		{"by id and its stage", "ACSCurrent", "v3", "v3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionStage: tt.stage, VersionID: tt.id})
			require.NoError(t, err)
			assert.Equal(t, tt.want, out.VersionID)
		})
	}
	for _, tt := range []struct{ name, stage, id string }{
		{"id without that stage", "ACSCurrent", "v1"},
		{"unknown stage", "nope", ""},
		{"unknown id", "", "v9"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionStage: tt.stage, VersionID: tt.id})
			require.ErrorIs(t, err, kms.ErrSecretNotFound)
		})
	}

	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, &kms.GetSecretValueOutput{
		SecretName: "db", SecretType: "Rds", SecretData: "bmV3", SecretDataType: "binary", VersionID: "v3",
		VersionStages: []string{"ACSCurrent", "blue"}, CreateTime: t1, LastRotationDate: t0, NextRotationDate: t1,
		RotationInterval: 7 * 24 * time.Hour, AutomaticRotation: "Enabled", RequestID: out.RequestID,
	}, out, "ExtendedConfig only when asked for")
	out, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionID: "v1", FetchExtendedConfig: true})
	require.NoError(t, err)
	assert.Equal(t, `{"k":"v"}`, out.ExtendedConfig)
	assert.Equal(t, []string{}, out.VersionStages, "a version without stages")
	assert.Equal(t, t0, out.CreateTime)

	// Defaults, and fields absent when zero.
	srv.PutSecretValue("plain", "x")
	out, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "plain", FetchExtendedConfig: true})
	require.NoError(t, err)
	assert.Equal(t, [3]string{"Generic", "text", "Disabled"}, [3]string{out.SecretType, out.SecretDataType, out.AutomaticRotation})
	assert.Empty(t, out.ExtendedConfig)
	assert.Zero(t, out.RotationInterval)
	assert.True(t, out.LastRotationDate.IsZero())
	assert.Nil(t, out.Unparsed)

	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", DryRun: true})
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "DryRunOperation", apiErr.Code)
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "missing", DryRun: true})
	require.ErrorIs(t, err, kms.ErrSecretNotFound, "a missing secret fails a dry run too")
}

func TestFakeRotationIntervalInSeconds(t *testing.T) {
	srv, c := newClient(t)
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "s", RotationInterval: 90 * time.Minute,
		Versions: []kmstest.Version{{ID: "v1", Stages: []string{"ACSCurrent"}}}}))
	out, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "s"})
	require.NoError(t, err)
	assert.Equal(t, 90*time.Minute, out.RotationInterval)
	assert.Nil(t, out.Unparsed)
}

func TestFakeDescribeSecret(t *testing.T) {
	srv, c := newClient(t)
	require.NoError(t, srv.PutSecret(kmstest.Secret{
		Name: "app/db", Description: "main", EncryptionKeyID: "key-1", DKMSInstanceID: "kst-1", ExtendedConfig: `{}`,
		CreateTime: t0, UpdateTime: t1, LastRotationDate: t0, NextRotationDate: t1, PlannedDeleteTime: t1,
		Tags: []kms.Tag{{Key: "team", Value: "pay"}},
	}))
	arn := "acs:kms:" + kmstest.Region + ":" + kmstest.AccountID + ":secret/app/db"
	for _, name := range []string{"app/db", arn} {
		out, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: name, FetchTags: true})
		require.NoError(t, err, name)
		assert.Equal(t, &kms.DescribeSecretOutput{
			SecretName: "app/db", SecretType: "Generic", Description: "main", ARN: arn, EncryptionKeyID: "key-1",
			DKMSInstanceID: "kst-1", AutomaticRotation: "Disabled", ExtendedConfig: `{}`,
			CreateTime: t0, UpdateTime: t1, LastRotationDate: t0, NextRotationDate: t1, PlannedDeleteTime: t1,
			Tags: []kms.Tag{{Key: "team", Value: "pay"}}, RequestID: out.RequestID,
		}, out, name)
	}
	for _, name := range []string{"acs:kms:cn-hangzhou:1:secret/other", "secret/app/db", "xacs:kms:r:1:secret/app/db"} {
		_, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: name})
		require.ErrorIs(t, err, kms.ErrSecretNotFound, name)
	}
	out, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "app/db"})
	require.NoError(t, err)
	assert.Nil(t, out.Tags, "tags only with FetchTags")

	srv.PutSecretValue("bare", "x")
	out, err = c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "bare", FetchTags: true})
	require.NoError(t, err)
	assert.Empty(t, out.Description+out.EncryptionKeyID+out.DKMSInstanceID+out.ExtendedConfig)
	assert.Empty(t, out.Tags)
	assert.True(t, out.PlannedDeleteTime.IsZero())
}

func TestFakePutSecretValueNumbersVersions(t *testing.T) {
	srv, c := newClient(t)
	assert.Equal(t, fmt.Sprintf("%032d", 1), srv.PutSecretValue("s", "a"))
	assert.Equal(t, fmt.Sprintf("%032d", 2), srv.PutSecretValue("s", "b"))
	assert.Equal(t, fmt.Sprintf("%032d", 3), srv.PutSecretValue("s", "c"))
	out, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s", IncludeDeprecated: true})
	require.NoError(t, err)
	var stages [][]string
	for _, v := range out.Versions {
		stages = append(stages, v.VersionStages)
	}
	assert.Equal(t, [][]string{{}, {"ACSPrevious"}, {"ACSCurrent"}}, stages)
}

func TestFakeListSecretVersionIDs(t *testing.T) {
	srv, c := newClient(t)
	var versions []kmstest.Version
	for i := range 25 {
		v := kmstest.Version{ID: fmt.Sprintf("v%02d", i)}
		switch i {
		case 23:
			v.Stages = []string{"ACSPrevious"}
		case 24:
			v.Stages = []string{"ACSCurrent"}
		}
		versions = append(versions, v)
	}
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "s", Versions: versions}))
	out, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s"})
	require.NoError(t, err)
	assert.Equal(t, [3]int{2, 1, 20}, [3]int{out.TotalCount, out.PageNumber, out.PageSize}, "deprecated left out; default page size 20")
	require.Len(t, out.Versions, 2)
	assert.Equal(t, "v23", out.Versions[0].VersionID)
	assert.Equal(t, "s", out.SecretName)

	out, err = c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s", IncludeDeprecated: true})
	require.NoError(t, err)
	assert.Equal(t, 25, out.TotalCount)
	assert.Len(t, out.Versions, 20)
	out, err = c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s", IncludeDeprecated: true, PageNumber: 2})
	require.NoError(t, err)
	require.Len(t, out.Versions, 5)
	assert.Equal(t, "v20", out.Versions[0].VersionID)
	assert.Equal(t, 2, out.PageNumber)

	_, err = c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "missing"})
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
}

func TestFakeListSecretsPagesAndFilters(t *testing.T) {
	srv, c := newClient(t)
	for i := range 12 {
		srv.PutSecretValue(fmt.Sprintf("bulk/%02d", i), "x")
	}
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "prod/db", Type: "Rds", Description: "main database", Creator: "rds",
		Tags: []kms.Tag{{Key: "team", Value: "pay"}}, DKMSInstanceID: "kst-1", CreateTime: t0, UpdateTime: t1, PlannedDeleteTime: t1}))
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "prod/api", Tags: []kms.Tag{{Key: "team", Value: "web"}}}))
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "stage/db", Description: "stage database"}))

	out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{})
	require.NoError(t, err)
	assert.Equal(t, [3]int{15, 1, 10}, [3]int{out.TotalCount, out.PageNumber, out.PageSize}, "default page size 10")
	require.Len(t, out.Secrets, 10)
	assert.Equal(t, "bulk/00", out.Secrets[0].SecretName, "sorted by name")
	out, err = c.ListSecrets(ctx, &kms.ListSecretsInput{PageNumber: 2})
	require.NoError(t, err)
	require.Len(t, out.Secrets, 5)
	assert.Equal(t, "bulk/10", out.Secrets[0].SecretName)
	out, err = c.ListSecrets(ctx, &kms.ListSecretsInput{PageNumber: 3})
	require.NoError(t, err)
	assert.Empty(t, out.Secrets, "past the last page")
	assert.Equal(t, 15, out.TotalCount)

	list := func(fs ...kms.Filter) []string {
		t.Helper()
		out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{Filters: fs, PageSize: kms.MaxPageSize})
		require.NoError(t, err)
		var names []string
		for _, s := range out.Secrets {
			if s.SecretName[:5] != "bulk/" {
				names = append(names, s.SecretName)
			}
		}
		return names
	}
	f := func(k string, vs ...string) kms.Filter { return kms.Filter{Key: k, Values: vs} }
	assert.Equal(t, []string{"prod/api", "prod/db", "stage/db"}, list())
	assert.Equal(t, []string{"prod/api", "prod/db"}, list(f("SecretName", "prod/")))
	assert.Equal(t, []string{"prod/db", "stage/db"}, list(f("SecretName", "db")), "names match by substring")
	assert.Equal(t, []string{"prod/db", "stage/db"}, list(f("Description", "database")))
	assert.Equal(t, []string{"prod/api", "prod/db"}, list(f("TagKey", "team")))
	assert.Empty(t, list(f("TagKey", "tea")), "tag keys match exactly")
	assert.Equal(t, []string{"prod/api"}, list(f("TagValue", "web")))
	assert.Equal(t, []string{"prod/api", "prod/db"}, list(f("TagValue", "web", "pay")), "values are alternatives")
	assert.Equal(t, []string{"prod/db"}, list(f("SecretName", "prod/"), f("TagValue", "pay")), "filters all apply")
	assert.Empty(t, list(f("SecretName", "stage/"), f("TagValue", "pay")), "filters all apply")
	assert.Equal(t, []string{"prod/db"}, list(f("SecretType", "Rds")))
	assert.Equal(t, []string{"prod/api", "stage/db"}, list(f("SecretType", "Generic")))
	assert.Empty(t, list(f("SecretType", "Rd")), "types match exactly")
	assert.Equal(t, []string{"prod/db"}, list(f("DKMSInstanceId", "kst-1")))
	assert.Equal(t, []string{"prod/db"}, list(f("Creator", "rds")))
	assert.Empty(t, list(f("TagValue", "pa")), "tag values match exactly")
	assert.Empty(t, list(f("Creator")), "a filter without values matches nothing")

	out, err = c.ListSecrets(ctx, &kms.ListSecretsInput{FetchTags: true, Filters: []kms.Filter{f("SecretName", "prod/db")}})
	require.NoError(t, err)
	require.Len(t, out.Secrets, 1)
	assert.Equal(t, kms.SecretSummary{SecretName: "prod/db", SecretType: "Rds", CreateTime: t0, UpdateTime: t1, PlannedDeleteTime: t1,
		Tags: []kms.Tag{{Key: "team", Value: "pay"}}}, out.Secrets[0])
	out, err = c.ListSecrets(ctx, &kms.ListSecretsInput{Filters: []kms.Filter{f("SecretName", "prod/db")}})
	require.NoError(t, err)
	assert.Nil(t, out.Secrets[0].Tags, "tags only with FetchTags")
}

// TestFakeLeavesZeroFieldsOut reads the raw answer: zero times, a zero
// rotation interval and an empty ExtendedConfig are absent, as the
// package documents, not sent as zero values.
func TestFakeLeavesZeroFieldsOut(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("db", "pw")
	p := rpcParams("n-zero", time.Now())
	p.Set("FetchExtendedConfig", "true")
	resp := rawRPC(t, srv, p, kmstest.DefaultAccessKeySecret)
	require.Equal(t, 200, resp.StatusCode)
	var body map[string]any
	require.NoError(t, jsonDecode(resp, &body))
	assert.Contains(t, body, "CreateTime")
	for _, k := range []string{"RotationInterval", "LastRotationDate", "NextRotationDate", "ExtendedConfig"} {
		assert.NotContains(t, body, k)
	}
}
