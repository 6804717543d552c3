package kms_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/kms"
)

// FuzzListResponses feeds arbitrary status codes and bodies to both
// listing operations: they must never panic, and must never report
// success for a body that is not a listing page.
func FuzzListResponses(f *testing.F) {
	f.Add(0, []byte(`{"TotalCount":2,"VersionIds":{"VersionId":[{"VersionId":"v1","VersionStages":{"VersionStage":["ACSCurrent"]}}]}}`))
	f.Add(0, []byte(`{"TotalCount":"1","SecretList":{"Secret":[{"SecretName":"a","Tags":{"Tag":[{"TagKey":"k","TagValue":"v"}]}}]}}`))
	f.Add(0, []byte(`{"SecretList":[{"SecretName":"a","CreateTime":1700000000}],"VersionIds":[]}`))
	f.Add(0, []byte(`{}`))
	f.Add(0, []byte(`{"TotalCount":null}`))
	f.Add(200, []byte(`{"Code":"InvalidParameter","Message":"bad"}`))
	srv := rawserver.New(f)
	c := rawClient(f, srv)
	// st 0 is HTTP 200, st 200 is HTTP 400.
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		status := 200 + ((st%400)+400)%400 // 200..599
		srv.Set(status, b)
		if _, err := c.ListSecrets(ctx, &kms.ListSecretsInput{}); err == nil {
			require.True(t, status < 300)
			var page struct{ TotalCount, SecretList *json.RawMessage }
			require.NoError(t, json.Unmarshal(b, &page))
			require.True(t, page.TotalCount != nil || page.SecretList != nil, "a page has one of them")
		}
		if _, err := c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "s"}); err == nil {
			require.True(t, status < 300)
			var page struct{ TotalCount, VersionIds *json.RawMessage }
			require.NoError(t, json.Unmarshal(b, &page))
			require.True(t, page.TotalCount != nil || page.VersionIds != nil, "a page has one of them")
		}
	})
}
