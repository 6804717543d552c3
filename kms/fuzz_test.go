package kms_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/kms"
)

// FuzzResponses feeds arbitrary status codes and bodies to both operations:
// they must never panic, and must never report success for a body without
// the secret's name.
func FuzzResponses(f *testing.F) {
	f.Add(200, []byte(`{"SecretName":"s","SecretData":"v","VersionStages":{"VersionStage":["ACSCurrent"]}}`))
	f.Add(200, []byte(`{"SecretName":"s","Tags":{"Tag":[{"TagKey":"k","TagValue":"v"}]},"RotationInterval":"604800s"}`))
	f.Add(200, []byte(`{}`))
	f.Add(404, []byte(`{"Code":"Forbidden.ResourceNotFound","Message":"Resource not found"}`))
	f.Add(502, []byte(`<html><title>502</title></html>`))
	f.Add(200, []byte(`{"SecretName":"s","CreateTime":"2018-07-05T08:22:03Z","LastRotationDate":1700000000000}`))
	srv := rawserver.New(f)
	c := rawClient(f, srv)
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		status := 200 + (((st-200)%400)+400)%400 // 200..599; a status in that range maps to itself
		srv.Set(status, b)
		g, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "s"})
		if err == nil {
			require.True(t, status < 300)
			require.NotEmpty(t, g.SecretName)
		}
		d, err := c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "s"})
		if err == nil {
			require.True(t, status < 300)
			require.NotEmpty(t, d.SecretName)
		}
	})
}
