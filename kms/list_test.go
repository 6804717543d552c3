package kms_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

func TestListSecretVersionIDsDocumentedAnswer(t *testing.T) {
	c := rawServer(t, 200, rawserver.Fixture(t, "list_secret_version_ids.json"))
	out, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "secret001"})
	require.NoError(t, err)
	assert.Equal(t, &kms.ListSecretVersionIDsOutput{
		SecretName: "secret001",
		Versions: []kms.SecretVersion{
			{VersionID: "v1", CreateTime: date("2024-02-21T15:39:26Z"), VersionStages: []string{"ACSPrevious"}},
			{VersionID: "v2", CreateTime: date("2024-02-22T15:39:26Z"), VersionStages: []string{"ACSCurrent", "uStage1"}},
		},
		TotalCount: 2, PageNumber: 1, PageSize: 10,
		RequestID: "5b75d8b1-5b6a-4ec0-8e0c-c08befdfad47",
	}, out)
}

func TestListSecretsDocumentedAnswer(t *testing.T) {
	c := rawServer(t, 200, rawserver.Fixture(t, "list_secrets.json"))
	out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{FetchTags: true})
	require.NoError(t, err)
	assert.Equal(t, &kms.ListSecretsOutput{
		Secrets: []kms.SecretSummary{
			{SecretName: "secret001", SecretType: "Generic", CreateTime: date("2022-07-17T07:59:05Z"), UpdateTime: date("2022-07-18T07:59:05Z"),
				PlannedDeleteTime: date("2022-08-17T07:59:05Z"), Tags: []kms.Tag{{Key: "key1", Value: "val1"}}},
			{SecretName: "secret002", SecretType: "Rds", CreateTime: date("2022-07-19T07:59:05Z"), UpdateTime: date("2022-07-19T07:59:05Z")},
		},
		TotalCount: 55, PageNumber: 1, PageSize: 2,
		RequestID: "6a3e9c36-1150-4881-84d3-eb8672fcafad",
	}, out)
}

func TestListDecodingIsTolerant(t *testing.T) {
	t.Run("versions: bare arrays, numbers as strings, one element unwrapped, epoch millis", func(t *testing.T) {
		c := rawServer(t, 200, []byte(`{"SecretName":"s","TotalCount":"3","PageNumber":"2","PageSize":"1",
			"VersionIds":[{"VersionId":"v3","CreateTime":1700000000000,"VersionStages":["ACSCurrent"]}]}`))
		out, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s"})
		require.NoError(t, err)
		assert.Equal(t, 3, out.TotalCount)
		assert.Equal(t, 2, out.PageNumber)
		assert.Equal(t, 1, out.PageSize)
		assert.Equal(t, []kms.SecretVersion{{VersionID: "v3", CreateTime: date("2023-11-14T22:13:20Z"), VersionStages: []string{"ACSCurrent"}}}, out.Versions)
	})
	t.Run("versions: a single wrapped object, no stages", func(t *testing.T) {
		c := rawServer(t, 200, []byte(`{"TotalCount":1,"VersionIds":{"VersionId":{"VersionId":"v9","CreateTime":"2024-02-21 15:39:26"}}}`))
		out, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s"})
		require.NoError(t, err)
		assert.Equal(t, []kms.SecretVersion{{VersionID: "v9", CreateTime: date("2024-02-21T15:39:26Z")}}, out.Versions)
	})
	t.Run("secrets: bare arrays, Key/Value tags, request id from the header", func(t *testing.T) {
		c := rawServer(t, 200, []byte(`{"TotalCount":1,"SecretList":[{"SecretName":"a","Tags":[{"Key":"team","Value":"pay"}]}]}`))
		out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{})
		require.NoError(t, err)
		assert.Equal(t, []kms.SecretSummary{{SecretName: "a", Tags: []kms.Tag{{Key: "team", Value: "pay"}}}}, out.Secrets)
	})
	t.Run("empty page", func(t *testing.T) {
		c := rawServer(t, 200, []byte(`{"TotalCount":0,"PageNumber":1,"PageSize":10,"SecretList":{"Secret":[]}}`))
		out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{})
		require.NoError(t, err)
		assert.Empty(t, out.Secrets)
	})
}

func TestListRejectsBodiesThatAreNotPages(t *testing.T) {
	for _, body := range []string{`{}`, `{"RequestId":"x"}`, `{"TotalCount":null}`, `{"TotalCount":"lots"}`, `[]`} {
		t.Run(body, func(t *testing.T) {
			c := rawServer(t, 200, []byte(body))
			_, err := c.ListSecrets(ctx, &kms.ListSecretsInput{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "kms ListSecrets: decoding the response")
		})
	}
	for _, body := range []string{`{}`, `{"SecretName":"s"}`} {
		t.Run("versions "+body, func(t *testing.T) {
			c := rawServer(t, 200, []byte(body))
			_, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s"})
			require.Error(t, err)
			assert.Contains(t, err.Error(), "kms ListSecretVersionIds: decoding the response")
		})
	}
}

// A time in a layout the client does not know costs neither the page nor
// the item: the field is zero and its raw text is kept under its wire name.
func TestListKeepsUnknownTimeLayouts(t *testing.T) {
	c := rawServer(t, 200, []byte(`{"TotalCount":2,"SecretList":[{"SecretName":"a","UpdateTime":"yesterday"},{"SecretName":"b","CreateTime":"2024-02-21T15:39:26Z"}]}`))
	out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{})
	require.NoError(t, err)
	assert.Equal(t, []kms.SecretSummary{
		{SecretName: "a", Unparsed: map[string]string{"UpdateTime": "yesterday"}},
		{SecretName: "b", CreateTime: date("2024-02-21T15:39:26Z")},
	}, out.Secrets)

	c = rawServer(t, 200, []byte(`{"TotalCount":1,"VersionIds":[{"VersionId":"v1","CreateTime":"soon"}]}`))
	page, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s"})
	require.NoError(t, err)
	assert.Equal(t, []kms.SecretVersion{{VersionID: "v1", Unparsed: map[string]string{"CreateTime": "soon"}}}, page.Versions)
}

func TestListRequestEncoding(t *testing.T) {
	srv := rawserver.New(t)
	srv.Set(200, []byte(`{"TotalCount":0}`))
	c := rawClient(t, srv)
	form := func() map[string]string {
		r := srv.Last()
		require.NotNil(t, r)
		require.NoError(t, r.ParseForm())
		m := map[string]string{}
		for k := range r.Form {
			m[k] = r.Form.Get(k)
		}
		return m
	}

	_, err := c.ListSecrets(ctx, &kms.ListSecretsInput{PageNumber: 3, PageSize: 50, FetchTags: true, Filters: []kms.Filter{
		{Key: "SecretName", Values: []string{"prod/", "stage/"}}, {Key: "TagKey", Values: nil},
	}})
	require.NoError(t, err)
	f := form()
	assert.Equal(t, "ListSecrets", f["Action"])
	assert.Equal(t, kms.APIVersion, f["Version"])
	assert.Equal(t, "3", f["PageNumber"])
	assert.Equal(t, "50", f["PageSize"])
	assert.Equal(t, "true", f["FetchTags"])
	assert.Equal(t, `[{"Key":"SecretName","Values":["prod/","stage/"]},{"Key":"TagKey","Values":[]}]`, f["Filters"])

	_, err = c.ListSecrets(ctx, &kms.ListSecretsInput{})
	require.NoError(t, err)
	f = form()
	for _, k := range []string{"PageNumber", "PageSize", "FetchTags", "Filters"} {
		assert.NotContains(t, f, k, "zero values are not sent")
	}

	srv.Set(200, []byte(`{"TotalCount":0,"SecretName":"db"}`))
	_, err = c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "db", IncludeDeprecated: true, PageNumber: 2, PageSize: 20})
	require.NoError(t, err)
	f = form()
	assert.Equal(t, "ListSecretVersionIds", f["Action"])
	assert.Equal(t, "db", f["SecretName"])
	assert.Equal(t, "true", f["IncludeDeprecated"])
	assert.Equal(t, "2", f["PageNumber"])
	assert.Equal(t, "20", f["PageSize"])
}

func TestListValidation(t *testing.T) {
	srv := rawserver.New(t)
	c := rawClient(t, srv)
	filters := func(n int) []kms.Filter {
		fs := make([]kms.Filter, n)
		for i := range fs {
			fs[i] = kms.Filter{Key: "SecretName", Values: []string{fmt.Sprint(i)}}
		}
		return fs
	}
	secrets := []struct {
		name  string
		in    *kms.ListSecretsInput
		field string
	}{
		{"nil", nil, "input is nil"},
		{"page size 101", &kms.ListSecretsInput{PageSize: 101}, "ListSecretsInput.PageSize"},
		{"page size -1", &kms.ListSecretsInput{PageSize: -1}, "ListSecretsInput.PageSize"},
		{"page number -1", &kms.ListSecretsInput{PageNumber: -1}, "ListSecretsInput.PageNumber"},
		{"11 filters", &kms.ListSecretsInput{Filters: filters(11)}, "ListSecretsInput.Filters has 11"},
		{"unknown key", &kms.ListSecretsInput{Filters: []kms.Filter{{Key: "SecretName"}, {Key: "secretname"}}}, `ListSecretsInput.Filters[1].Key "secretname"`},
		{"11 values", &kms.ListSecretsInput{Filters: []kms.Filter{{Key: "TagKey", Values: strings.Split("a,b,c,d,e,f,g,h,i,j,k", ",")}}}, "ListSecretsInput.Filters[0].Values has 11"},
	}
	for _, tt := range secrets {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.ListSecrets(ctx, tt.in)
			require.ErrorIs(t, err, signer.ErrInvalidInput)
			assert.ErrorContains(t, err, tt.field)
			n := 0
			for _, err := range c.AllSecrets(ctx, tt.in) {
				n++
				require.ErrorIs(t, err, signer.ErrInvalidInput)
			}
			assert.Equal(t, 1, n, "the iterator yields the error once")
		})
	}
	versions := []struct {
		name  string
		in    *kms.ListSecretVersionIDsInput
		field string
	}{
		{"nil", nil, "input is nil"},
		{"no name", &kms.ListSecretVersionIDsInput{}, "ListSecretVersionIDsInput.SecretName"},
		{"page size 101", &kms.ListSecretVersionIDsInput{SecretName: "s", PageSize: 101}, "ListSecretVersionIDsInput.PageSize"},
		{"page number -1", &kms.ListSecretVersionIDsInput{SecretName: "s", PageNumber: -1}, "ListSecretVersionIDsInput.PageNumber"},
	}
	for _, tt := range versions {
		t.Run("versions "+tt.name, func(t *testing.T) {
			_, err := c.ListSecretVersionIDs(ctx, tt.in)
			require.ErrorIs(t, err, signer.ErrInvalidInput)
			assert.ErrorContains(t, err, tt.field)
			n := 0
			for _, err := range c.AllSecretVersions(ctx, tt.in) {
				n++
				require.ErrorIs(t, err, signer.ErrInvalidInput)
			}
			assert.Equal(t, 1, n)
		})
	}
	assert.Nil(t, srv.Last(), "nothing was sent")
}

// putSecrets stores n secrets named prefix00, prefix01, ...
func putSecrets(t *testing.T, srv *kmstest.Server, prefix string, n int) []string {
	var names []string
	for i := range n {
		name := fmt.Sprintf("%s%02d", prefix, i)
		srv.PutSecretValue(name, "v")
		names = append(names, name)
	}
	return names
}

func TestAllSecretsWalksEveryPage(t *testing.T) {
	srv, c := newFake(t)
	want := putSecrets(t, srv, "app/", 23)
	before := srv.Requests()
	var got []string
	for s, err := range c.AllSecrets(ctx, &kms.ListSecretsInput{PageSize: 10}) {
		require.NoError(t, err)
		got = append(got, s.SecretName)
		assert.Equal(t, "Generic", s.SecretType)
		assert.False(t, s.CreateTime.IsZero())
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 3, srv.Requests()-before, "pages of 10, 10 and 3")

	// From page 2 on: the items before it count towards the total, so the
	// last page is the one that reaches it and no empty page is asked for.
	got = got[:0]
	before = srv.Requests()
	for s, err := range c.AllSecrets(ctx, &kms.ListSecretsInput{PageNumber: 2, PageSize: 20}) {
		require.NoError(t, err)
		got = append(got, s.SecretName)
	}
	assert.Equal(t, want[20:], got)
	assert.Equal(t, 1, srv.Requests()-before, "page 2 of 20 holds the last 3 of 23")

	// The default page size (100): one request.
	before = srv.Requests()
	n := 0
	for _, err := range c.AllSecrets(ctx, &kms.ListSecretsInput{}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 23, n)
	assert.Equal(t, 1, srv.Requests()-before)
}

func TestAllSecretsBreakStopsFetching(t *testing.T) {
	srv, c := newFake(t)
	putSecrets(t, srv, "app/", 25)
	for _, tt := range []struct{ take, requests int }{{1, 1}, {10, 1}, {11, 2}, {20, 2}, {21, 3}} {
		t.Run(fmt.Sprint(tt.take), func(t *testing.T) {
			before := srv.Requests()
			n := 0
			for _, err := range c.AllSecrets(ctx, &kms.ListSecretsInput{PageSize: 10}) {
				require.NoError(t, err)
				n++
				if n == tt.take {
					break
				}
			}
			assert.Equal(t, tt.take, n)
			assert.Equal(t, tt.requests, srv.Requests()-before)
		})
	}
}

func TestAllSecretsStopsAtTheFirstError(t *testing.T) {
	srv, c := newFake(t)
	putSecrets(t, srv, "app/", 25)
	before := srv.Requests()
	it := c.AllSecrets(ctx, &kms.ListSecretsInput{PageSize: 10}, func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	var names []string
	var errs []error
	first := true
	for s, err := range it {
		if first {
			// Page 2 will fail: the fault is queued once page 1 has arrived.
			srv.FailNext(kmstest.Fault{Status: http.StatusForbidden, Code: "Forbidden.RAM", Message: "denied"})
			first = false
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		names = append(names, s.SecretName)
	}
	assert.Len(t, names, 10)
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], signer.ErrAccessDenied)
	assert.Equal(t, 2, srv.Requests()-before, "no page after the failed one")
}

func TestAllSecretVersionsWalksEveryPage(t *testing.T) {
	srv, c := newFake(t)
	versions := []kmstest.Version{}
	for i := range 7 {
		v := kmstest.Version{ID: fmt.Sprintf("v%d", i), Data: "x", CreateTime: date(fmt.Sprintf("2024-01-0%dT00:00:00Z", i+1))}
		switch i {
		case 5:
			v.Stages = []string{"ACSPrevious", "custom"}
		case 6:
			v.Stages = []string{"ACSCurrent"}
		}
		versions = append(versions, v)
	}
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "db", Versions: versions}))

	before := srv.Requests()
	var got []kms.SecretVersion
	for v, err := range c.AllSecretVersions(ctx, &kms.ListSecretVersionIDsInput{SecretName: "db", IncludeDeprecated: true, PageSize: 3}) {
		require.NoError(t, err)
		got = append(got, v)
	}
	require.Len(t, got, 7)
	assert.Equal(t, 3, srv.Requests()-before, "pages of 3, 3 and 1")
	for i, v := range got {
		assert.Equal(t, versions[i].ID, v.VersionID)
		assert.Equal(t, versions[i].CreateTime, v.CreateTime)
		assert.Equal(t, len(versions[i].Stages), len(v.VersionStages))
	}
	assert.Equal(t, []string{"ACSPrevious", "custom"}, got[5].VersionStages)

	var staged []string
	for v, err := range c.AllSecretVersions(ctx, &kms.ListSecretVersionIDsInput{SecretName: "db", PageSize: 1}) {
		require.NoError(t, err)
		staged = append(staged, v.VersionID)
	}
	assert.Equal(t, []string{"v5", "v6"}, staged, "deprecated versions left out by default")

	before = srv.Requests()
	for _, err := range c.AllSecretVersions(ctx, &kms.ListSecretVersionIDsInput{SecretName: "db", IncludeDeprecated: true, PageSize: 3}) {
		require.NoError(t, err)
		break
	}
	assert.Equal(t, 1, srv.Requests()-before, "break stops fetching")

	for _, err := range c.AllSecretVersions(ctx, &kms.ListSecretVersionIDsInput{SecretName: "missing"}) {
		require.ErrorIs(t, err, kms.ErrSecretNotFound)
	}
}

func TestListSecretsFiltersOnTheFake(t *testing.T) {
	srv, c := newFake(t)
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "prod/db", Type: "Rds", Description: "main database", Creator: "rds",
		Tags: []kms.Tag{{Key: "team", Value: "pay"}}, DKMSInstanceID: "kst-1"}))
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "prod/api", Tags: []kms.Tag{{Key: "team", Value: "web"}}}))
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "stage/db", Description: "stage database"}))
	list := func(fs ...kms.Filter) []string {
		out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{Filters: fs})
		require.NoError(t, err)
		var names []string
		for _, s := range out.Secrets {
			names = append(names, s.SecretName)
		}
		return names
	}
	f := func(k string, vs ...string) kms.Filter { return kms.Filter{Key: k, Values: vs} }
	assert.Equal(t, []string{"prod/api", "prod/db", "stage/db"}, list())
	assert.Equal(t, []string{"prod/api", "prod/db"}, list(f("SecretName", "prod/")))
	assert.Equal(t, []string{"prod/db", "stage/db"}, list(f("SecretName", "db")), "names match by substring")
	assert.Equal(t, []string{"prod/db", "stage/db"}, list(f("Description", "database")))
	assert.Equal(t, []string{"prod/api", "prod/db"}, list(f("TagKey", "team")))
	assert.Equal(t, []string{"prod/api"}, list(f("TagValue", "web")))
	assert.Equal(t, []string{"prod/api", "prod/db"}, list(f("TagValue", "web", "pay")), "values are alternatives")
	assert.Equal(t, []string{"prod/db"}, list(f("SecretName", "prod/"), f("TagValue", "pay")), "filters all apply")
	assert.Equal(t, []string{"prod/db"}, list(f("SecretType", "Rds")))
	assert.Equal(t, []string{"prod/api", "stage/db"}, list(f("SecretType", "Generic")))
	assert.Equal(t, []string{"prod/db"}, list(f("DKMSInstanceId", "kst-1")))
	assert.Equal(t, []string{"prod/db"}, list(f("Creator", "rds")))
	assert.Empty(t, list(f("TagValue", "pa")), "tags match exactly")

	out, err := c.ListSecrets(ctx, &kms.ListSecretsInput{FetchTags: true, Filters: []kms.Filter{f("SecretName", "prod/db")}})
	require.NoError(t, err)
	require.Len(t, out.Secrets, 1)
	assert.Equal(t, []kms.Tag{{Key: "team", Value: "pay"}}, out.Secrets[0].Tags)
	assert.Equal(t, "Rds", out.Secrets[0].SecretType)
	out, err = c.ListSecrets(ctx, &kms.ListSecretsInput{Filters: []kms.Filter{f("SecretName", "prod/db")}})
	require.NoError(t, err)
	assert.Nil(t, out.Secrets[0].Tags, "tags only with FetchTags")
	assert.Equal(t, 1, out.TotalCount)
	assert.Equal(t, 1, out.PageNumber)
	assert.Equal(t, 10, out.PageSize, "the documented default")
}

// TestListValidationLimitsAccepted sends inputs at each documented limit:
// 10 filters of 10 values, PageSize 1 and 100, PageNumber 0 and 1.
func TestListValidationLimitsAccepted(t *testing.T) {
	srv := rawserver.New(t)
	srv.Set(200, []byte(`{"TotalCount":0,"SecretName":"s"}`))
	c := rawClient(t, srv)
	ten := strings.Split("a,b,c,d,e,f,g,h,i,j", ",")
	fs := make([]kms.Filter, kms.MaxFilters)
	for i := range fs {
		fs[i] = kms.Filter{Key: "TagKey", Values: ten}
	}
	for _, in := range []kms.ListSecretsInput{
		{Filters: fs, PageSize: kms.MaxPageSize},
		{PageNumber: 1, PageSize: 1},
	} {
		_, err := c.ListSecrets(ctx, &in)
		require.NoError(t, err)
	}
	for _, in := range []kms.ListSecretVersionIDsInput{
		{SecretName: "s", PageSize: kms.MaxPageSize},
		{SecretName: "s", PageNumber: 1, PageSize: 1},
	} {
		_, err := c.ListSecretVersionIDs(ctx, &in)
		require.NoError(t, err)
	}
	r := srv.Last()
	require.NotNil(t, r)
	require.NoError(t, r.ParseForm())
	assert.Equal(t, "1", r.Form.Get("PageSize"))
}
