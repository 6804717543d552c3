package sae_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/rawserver"
	"github.com/alisecret/alisecret-go/sae"
)

// claimsSuccess is the oracle of the fuzz targets, written without the
// client's decoder: body is a JSON object whose "Success" member is true
// (or the string "true") and whose "Data" member is an object. Member
// names match case-insensitively and the last match wins, as encoding/json
// decodes into a struct.
func claimsSuccess(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	var success, data json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return false
		}
		switch {
		case strings.EqualFold(key, "Success"):
			success = v
		case strings.EqualFold(key, "Data"):
			data = v
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return false
	}
	if _, err := dec.Token(); err != io.EOF { // nothing after the object
		return false
	}
	s := strings.ToLower(strings.Trim(string(success), `"`))
	return s == "true" && len(data) > 0 && data[0] == '{'
}

// FuzzDescribeSecretResponse: arbitrary answers never panic, and success is
// only reported for a 2xx body with "Success": true and Data.
func FuzzDescribeSecretResponse(f *testing.F) {
	f.Add(0, []byte(`{"Success":true,"Code":"200","Data":{"SecretId":16,"SecretData":{"k":"dg=="},"RelateApps":[{"AppId":"a"}]}}`))
	f.Add(0, []byte(`{"Success":false,"ErrorCode":"InternalError","Code":"200"}`))
	f.Add(200, []byte(`{"Success":false,"ErrorCode":"InvalidSecretId.NotFound","Code":"400"}`))
	f.Add(0, []byte(`{"Success":true,"Data":null}`))
	f.Add(0, []byte(`{"Success":true,"Data":{},"success":false}`))
	f.Add(0, []byte(`{"Data":{"SecretId":1}}`))
	f.Add(302, []byte(`<html><title>bad gateway</title></html>`))
	srv := rawserver.New(f)
	c := rawClient(f, srv)
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		status := 200 + ((st%400)+400)%400 // 200..599; a seed's st is status-200
		srv.Set(status, b)
		out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: "n", SecretID: 1})
		if err == nil {
			require.Less(t, status, 300, "success outside 2xx")
			require.True(t, claimsSuccess(b), "success for a body without \"Success\": true and Data: %q", b)
			require.NotNil(t, out)
		}
	})
}

// FuzzListSecretsResponse: the same property for ListSecrets.
func FuzzListSecretsResponse(f *testing.F) {
	f.Add(0, []byte(`{"Success":true,"Code":"200","Data":{"Secrets":[{"SecretId":16,"SecretName":"a","RelateApps":[{"AppId":"a"}]}]}}`))
	f.Add(0, []byte(`{"Success":false,"ErrorCode":"InternalError","Code":"200"}`))
	f.Add(0, []byte(`{"Success":"true","Data":{"Secrets":{"Secret":[]}}}`))
	f.Add(0, []byte(`{"Success":true,"Data":null}`))
	f.Add(303, []byte(`{"Success":true,"Data":{"Secrets":[]}}`))
	f.Add(0, []byte(`{"Data":{"Secrets":[]}}`))
	srv := rawserver.New(f)
	c := rawClient(f, srv)
	f.Fuzz(func(t *testing.T, st int, b []byte) {
		status := 200 + ((st%400)+400)%400 // 200..599; a seed's st is status-200
		srv.Set(status, b)
		out, err := c.ListSecrets(ctx, &sae.ListSecretsInput{NamespaceID: "n"})
		if err == nil {
			require.Less(t, status, 300, "success outside 2xx")
			require.True(t, claimsSuccess(b), "success for a body without \"Success\": true and Data: %q", b)
			require.NotNil(t, out)
		}
	})
}

func TestClaimsSuccessOracle(t *testing.T) {
	for body, want := range map[string]bool{
		`{"Success":true,"Data":{}}`:                 true,
		`{"success":"TRUE","data":{"x":1}}`:          true,
		`{"Success":true,"Data":{},"success":false}`: false,
		`{"Success":true,"Data":null}`:               false,
		`{"Success":true,"Data":[]}`:                 false,
		`{"Success":false,"Data":{}}`:                false,
		`{"Data":{}}`:                                false,
		`[]`:                                         false,
		`{"Success":true,"Data":{}`:                  false,
	} {
		require.Equal(t, want, claimsSuccess([]byte(body)), body)
	}
}
