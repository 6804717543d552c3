package kms_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/signer"
)

// pagingServer answers every ListSecrets and ListSecretVersionIds with the
// page page(n) builds for the page number n asked for.
func pagingServer(t *testing.T, page func(n int) (answered int, names []string, total int)) (*kms.Client, *atomic.Int64) {
	t.Helper()
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		n, _ := strconv.Atoi(r.URL.Query().Get("PageNumber"))
		answered, names, total := page(n)
		secrets, versions := "", ""
		for i, name := range names {
			if i > 0 {
				secrets, versions = secrets+",", versions+","
			}
			secrets += fmt.Sprintf(`{"SecretName":%q}`, name)
			versions += fmt.Sprintf(`{"VersionId":%q}`, name)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"RequestId":"r","PageNumber":%d,"TotalCount":%d,"SecretList":{"Secret":[%s]},"VersionIds":{"VersionId":[%s]},"SecretName":"s"}`,
			answered, total, secrets, versions)
	}))
	t.Cleanup(srv.Close)
	c, err := kms.New(kms.Options{Endpoint: srv.URL, Credentials: signer.StaticCredentials("id", "secret", ""), RetryMaxAttempts: 1})
	require.NoError(t, err)
	return c, &requests
}

// walk runs both iterators and returns what each yielded and its error.
func walk(c *kms.Client) (secrets, versions []string, errs []error) {
	var serr, verr error
	for s, err := range c.AllSecrets(ctx, &kms.ListSecretsInput{PageSize: 2}) {
		if err != nil {
			serr = err
			break
		}
		secrets = append(secrets, s.SecretName)
	}
	for v, err := range c.AllSecretVersions(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s", PageSize: 2}) {
		if err != nil {
			verr = err
			break
		}
		versions = append(versions, v.VersionID)
	}
	return secrets, versions, []error{serr, verr}
}

// A service that does not advance ends the walk with an error, after a few
// requests: it used to be asked for pages forever.
func TestPagingStopsOnARunawayService(t *testing.T) {
	cases := map[string]struct {
		page  func(n int) (int, []string, int)
		items []string
		sent  int64
		want  string
	}{
		"always page 1": {func(n int) (int, []string, int) { return 1, []string{"a", "b"}, 1e9 }, []string{"a", "b"}, 4,
			"paging stopped at page 2: the service answered page 1"},
		"the same page again": {func(n int) (int, []string, int) { return n, []string{"a", "b"}, 1e9 }, []string{"a", "b"}, 4,
			`paging stopped at page 2: the page repeats the previous one (first item "a")`},
		"empty while more remain": {func(n int) (int, []string, int) {
			if n == 1 {
				return 1, []string{"a", "b"}, 5
			}
			return n, nil, 5
		}, []string{"a", "b"}, 4, "paging stopped at page 2: the page is empty, but TotalCount says 5 items and 2 came"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, requests := pagingServer(t, tc.page)
			secrets, versions, errs := walk(c)
			assert.Equal(t, tc.items, secrets)
			assert.Equal(t, tc.items, versions)
			require.Error(t, errs[0])
			require.Error(t, errs[1])
			assert.Equal(t, "kms ListSecrets: "+tc.want, errs[0].Error())
			assert.Equal(t, "kms ListSecretVersionIds: "+tc.want, errs[1].Error())
			assert.Equal(t, tc.sent, requests.Load())
		})
	}
}

// A service that advances forever (new items, the right page numbers, a
// TotalCount that never is reached) is cut off after MaxPages pages.
func TestPagingStopsAfterMaxPages(t *testing.T) {
	c, requests := pagingServer(t, func(n int) (int, []string, int) {
		return n, []string{fmt.Sprintf("s%d", n)}, 1e9
	})
	count := 0
	var last error
	for _, err := range c.AllSecrets(ctx, &kms.ListSecretsInput{PageSize: 1}) {
		if err != nil {
			last = err
			break
		}
		count++
	}
	assert.Equal(t, kms.MaxPages, count)
	assert.EqualError(t, last, fmt.Sprintf("kms ListSecrets: paging stopped before page %d: more than %d pages", kms.MaxPages+1, kms.MaxPages))
	assert.Equal(t, int64(kms.MaxPages), requests.Load(), "no request past the cap")
}
