package sae_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/sae"
)

// FuzzDescribeSecretResponse: arbitrary answers never panic, and success is
// only reported for a 2xx body with "Success": true and Data.
func FuzzDescribeSecretResponse(f *testing.F) {
	f.Add(200, []byte(`{"Success":true,"Code":"200","Data":{"SecretId":16,"SecretData":{"k":"dg=="},"RelateApps":[{"AppId":"a"}]}}`))
	f.Add(200, []byte(`{"Success":false,"ErrorCode":"InternalError","Code":"200"}`))
	f.Add(400, []byte(`{"Success":false,"ErrorCode":"InvalidSecretId.NotFound","Code":"400"}`))
	f.Add(200, []byte(`{"Success":true,"Data":null}`))
	f.Add(502, []byte(`<html><title>bad gateway</title></html>`))
	srv := rawserver.New(f)
	c := rawClient(f, srv)
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		status := 200 + ((st%400)+400)%400 // 200..599
		srv.Set(status, b)
		ok2xx := status < 300
		out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 1})
		if err == nil {
			require.True(t, ok2xx)
			require.NotNil(t, out)
		}
	})
}
