package sae

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/wire"
	"github.com/alisecret/alisecret-go/signer"
)

// Every body an SAE answer can carry, through the one check: which are
// failures, with what code and text, and that no text quotes the body.
func TestCheckResponseBodies(t *testing.T) {
	const notDoc = "decoding the response: not a DescribeSecret document: "
	const good = `{"RequestId":"r","Success":true,"Code":"200","Data":{"NamespaceId":"cn-beijing:test","SecretId":16,"SecretData":{"k":"SUPERSECRET"}}}`
	cases := []struct {
		name    string
		status  int
		body    string
		code    string
		wantMsg string // with %d for the body size; "" with code "": success
		class   error
	}{
		{"the document", 200, good, "", "", nil},
		{"success false under 200", 200, `{"Success":false,"Code":"400","ErrorCode":"InvalidParameter.WithMessage","Message":"bad namespace","RequestId":"r"}`,
			"InvalidParameter.WithMessage", "bad namespace", signer.ErrInvalidParameter},
		{"success false, retryable", 200, `{"Success":"false","ErrorCode":"InternalError","Message":"m"}`, "InternalError", "m", signer.ErrServiceUnavailable},
		{"error envelope under 400", 400, `{"Success":false,"Code":"400","ErrorCode":"InvalidSecretId.NotFound","Message":"gone","TraceId":"t"}`,
			"InvalidSecretId.NotFound", "gone", signer.ErrNotFound},
		{"all-null data", 200, `{"Success":true,"Data":{"NamespaceId":null,"SecretId":null,"SecretName":null,"SecretType":null,"SecretData":null}}`,
			"", notDoc + "Data is empty (every field null or absent) (%d bytes, application/json)", nil},
		{"null data", 200, `{"Success":true,"Data":null}`, "", notDoc + "no Data (%d bytes, application/json)", nil},
		{"secret id 0", 200, `{"Success":true,"Data":{"NamespaceId":"n","SecretId":0,"SecretData":{"k":"SUPERSECRET"}}}`,
			"", notDoc + "Data has no SecretId above 0 (%d bytes, application/json)", nil},
		{"negative secret id", 200, `{"Success":true,"Data":{"NamespaceId":"n","SecretId":-3}}`, "", notDoc + "Data has no SecretId above 0 (%d bytes, application/json)", nil},
		{"no namespace id", 200, `{"Success":true,"Data":{"SecretId":16,"SecretData":{"k":"SUPERSECRET"}}}`,
			"", notDoc + "Data has no NamespaceId (%d bytes, application/json)", nil},
		{"no success", 200, `{"Data":{"NamespaceId":"n","SecretId":16}}`, "", notDoc + `no "Success": true (%d bytes, application/json)`, nil},
		{"not json", 200, `SUPERSECRET`, "", notDoc + "malformed JSON at byte offset 1 (%d bytes, application/json)", nil},
		{"truncated", 200, good[:60], "", notDoc + "truncated JSON (%d bytes, application/json)", nil},
		{"success document under 502", 502, good, "", "a document with no Code or Message (%d bytes, application/json)", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newAnswer[describeSecretWire]("DescribeSecret")
			w := &a.Doc
			h := http.Header{"Content-Type": {"application/json"}, "X-Acs-Request-Id": {"hdr-id"}}
			e := a.Check(tc.status, h, []byte(tc.body))
			if tc.code == "" && tc.wantMsg == "" {
				require.Nil(t, e)
				require.NotNil(t, w.Data)
				assert.Equal(t, int64(16), int64(w.Data.SecretID))
				assert.Equal(t, "r", string(w.RequestID))
				return
			}
			require.NotNil(t, e)
			assert.Equal(t, tc.status, e.StatusCode)
			assert.Equal(t, tc.code, e.Code)
			want := tc.wantMsg
			if strings.Contains(want, "%d") {
				want = fmt.Sprintf(want, len(tc.body))
			}
			assert.Equal(t, want, e.Message)
			assert.NotEmpty(t, e.RequestID)
			assert.NotContains(t, e.Error(), "SUPERSECRET")
			if tc.class != nil {
				assert.True(t, errors.Is(e, tc.class), "class %v", tc.class)
			}
		})
	}
}

// The document is cleared before each answer: Data of an earlier answer
// never survives into the next one's.
func TestCheckResponseClearsTheDocument(t *testing.T) {
	a := newAnswer[describeSecretWire]("DescribeSecret")
	check := a.Check
	require.Nil(t, check(200, http.Header{}, []byte(`{"Success":true,"Data":{"NamespaceId":"n","SecretId":16}}`)))
	require.NotNil(t, a.Doc.Data)
	e := check(200, http.Header{}, []byte(`{"Success":true}`))
	require.NotNil(t, e)
	assert.Contains(t, e.Message, "no Data")
}

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
