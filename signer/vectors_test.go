package signer

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type vector struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	Scheme string `json:"scheme"`
	Method string `json:"method"`

	Params map[string]string `json:"params"` // rpc: every signed parameter

	Host    string            `json:"host"`
	Path    string            `json:"path"`
	Query   map[string]string `json:"query"`
	Headers map[string]string `json:"headers"`

	AccessKeyID string `json:"access_key_id"`
	Secret      string `json:"secret"`
	PayloadHash string `json:"payload_hash"`

	CanonicalQuery       string `json:"canonical_query"`
	CanonicalHeaders     string `json:"canonical_headers"`
	CanonicalResource    string `json:"canonical_resource"`
	CanonicalRequest     string `json:"canonical_request"`
	CanonicalRequestHash string `json:"canonical_request_sha256"`
	SignedHeaders        string `json:"signed_headers"`
	StringToSign         string `json:"string_to_sign"`
	Signature            string `json:"signature"`
	Authorization        string `json:"authorization"`
}

func loadVectors(t testing.TB) map[string]vector {
	t.Helper()
	raw, err := os.ReadFile("testdata/vectors.json")
	require.NoError(t, err)
	var file struct {
		Vectors []vector `json:"vectors"`
	}
	require.NoError(t, json.Unmarshal(raw, &file))
	require.NotEmpty(t, file.Vectors)
	out := make(map[string]vector, len(file.Vectors))
	for _, v := range file.Vectors {
		require.NotEmpty(t, v.Source, "vector %s has no source", v.Name)
		out[v.Name] = v
	}
	return out
}

func values(m map[string]string) url.Values {
	q := url.Values{}
	for k, v := range m {
		q.Set(k, v)
	}
	return q
}

// rawHeader keeps names exactly as the vector spells them, so that names
// differing only in case stay distinct entries, as a raw map would.
func rawHeader(m map[string]string) http.Header {
	h := http.Header{}
	for k, v := range m {
		h[k] = append(h[k], v)
	}
	return h
}

func TestVectorsStageByStage(t *testing.T) {
	vs := loadVectors(t)
	require.Len(t, vs, 16)
	for name, v := range vs {
		t.Run(name, func(t *testing.T) {
			switch v.Scheme {
			case "rpc":
				cq := CanonicalQuery(values(v.Params))
				assert.Equal(t, v.CanonicalQuery, cq, "canonical query")
				sts := RPCStringToSign(v.Method, cq)
				assert.Equal(t, v.StringToSign, sts, "string to sign")
				assert.Equal(t, v.Signature, RPCSignature(sts, v.Secret), "signature")
			case "roa":
				h := rawHeader(v.Headers)
				assert.Equal(t, v.CanonicalHeaders, ROACanonicalHeaders(h), "canonical headers")
				res := ROACanonicalResource(v.Path, values(v.Query))
				assert.Equal(t, v.CanonicalResource, res, "canonical resource")
				sts := ROAStringToSign(v.Method, h, res)
				assert.Equal(t, v.StringToSign, sts, "string to sign")
				sig := ROASignature(sts, v.Secret)
				assert.Equal(t, v.Signature, sig, "signature")
				assert.Equal(t, v.Authorization, "acs "+v.AccessKeyID+":"+sig, "authorization")
			case "acs3":
				cr, signed := ACS3CanonicalRequest(v.Method, v.Host, v.Path, values(v.Query), rawHeader(v.Headers), v.PayloadHash)
				assert.Equal(t, v.CanonicalRequest, cr, "canonical request")
				assert.Equal(t, v.SignedHeaders, signed, "signed headers")
				sts := ACS3StringToSign(cr)
				assert.Equal(t, v.StringToSign, sts, "string to sign")
				assert.Equal(t, "ACS3-HMAC-SHA256\n"+v.CanonicalRequestHash, sts, "canonical request hash")
				sig := ACS3Signature(sts, v.Secret)
				assert.Equal(t, v.Signature, sig, "signature")
				assert.Equal(t, v.Authorization, ACS3Authorization(v.AccessKeyID, signed, sig), "authorization")
			default:
				t.Fatalf("unknown scheme %q", v.Scheme)
			}
		})
	}
}

// The Sign* functions, given a vector's time and nonce, must produce exactly
// the vector's request: this checks the common parameters and headers they
// add, not only the stage functions.
func TestSignFunctionsReproduceVectors(t *testing.T) {
	vs := loadVectors(t)
	t2024 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	const nonce = "0123456789abcdef0123456789abcdef"
	creds := Credentials{AccessKeyID: "testid", AccessKeySecret: "testsecret"}

	t.Run("rpc/kms-getsecretvalue", func(t *testing.T) {
		for _, name := range []string{"kms-getsecretvalue", "kms-getsecretvalue-special-name"} {
			v := vs[name]
			r := &Request{Method: "POST", Action: "GetSecretValue", Version: "2016-01-20",
				Query: url.Values{"SecretName": {v.Params["SecretName"]}, "VersionStage": {"ACSCurrent"}}}
			// A time in another zone must be signed as UTC.
			q, err := SignRPC(r, creds, t2024.In(time.FixedZone("CST", 8*3600)), nonce)
			require.NoError(t, err)
			assert.Equal(t, v.CanonicalQuery+"&Signature="+PercentEncode(v.Signature), q, name)
			parsed, err := url.ParseQuery(q)
			require.NoError(t, err)
			assert.Equal(t, v.Signature, parsed.Get("Signature"))
			assert.Equal(t, v.Params["SecretName"], parsed.Get("SecretName"))
		}
	})
	t.Run("roa/sae-describesecret", func(t *testing.T) {
		v := vs["sae-describesecret-roa"]
		h := http.Header{}
		r := &Request{Method: "GET", Path: v.Path, Action: "DescribeSecret", Version: "2019-05-06", Query: values(v.Query)}
		q, err := SignROA(h, r, creds, time.Date(2018, 2, 22, 7, 46, 12, 0, time.UTC), "550e8400-e29b-41d4-a716-446655440000")
		require.NoError(t, err)
		assert.Equal(t, CanonicalQuery(values(v.Query)), q)
		assert.Equal(t, v.Authorization, h.Get("Authorization"))
		assert.Equal(t, "Thu, 22 Feb 2018 07:46:12 GMT", h.Get("Date"))
		assert.Empty(t, h.Get("x-acs-security-token"))
	})
	for _, name := range []string{"kms-getsecretvalue-acs3", "kms-getsecretvalue-acs3-sts", "sae-describesecret-acs3"} {
		t.Run("acs3/"+name, func(t *testing.T) {
			v := vs[name]
			c := creds
			if tok := v.Headers["x-acs-security-token"]; tok != "" {
				c = Credentials{AccessKeyID: v.AccessKeyID, AccessKeySecret: "testsecret", SecurityToken: tok}
			}
			h := http.Header{}
			r := &Request{Method: v.Method, Host: v.Host, Path: v.Path, Action: v.Headers["x-acs-action"],
				Version: v.Headers["x-acs-version"], Query: values(v.Query)}
			q, err := SignACS3(h, r, c, t2024, nonce)
			require.NoError(t, err)
			assert.Equal(t, CanonicalQuery(values(v.Query)), q)
			assert.Equal(t, v.Authorization, h.Get("Authorization"))
			assert.Equal(t, EmptyPayloadSHA256, h.Get("x-acs-content-sha256"))
			assert.Equal(t, "application/json", h.Get("Accept"))
		})
	}
}

func TestSignRPCSTSAddsToken(t *testing.T) {
	c := Credentials{AccessKeyID: "STS.id", AccessKeySecret: "s", SecurityToken: "tok+/="}
	r := &Request{Method: "POST", Action: "GetSecretValue", Version: "2016-01-20", Query: url.Values{"SecretName": {"a"}}}
	q, err := SignRPC(r, c, time.Unix(0, 0), "n")
	require.NoError(t, err)
	parsed, err := url.ParseQuery(q)
	require.NoError(t, err)
	assert.Equal(t, "tok+/=", parsed.Get("SecurityToken"))
	// The signature covers the token: recompute from the parameters.
	sig := parsed.Get("Signature")
	parsed.Del("Signature")
	assert.Equal(t, RPCSignature(RPCStringToSign("POST", CanonicalQuery(parsed)), "s"), sig)
}

func TestSignROAAndACS3STSHeaders(t *testing.T) {
	c := Credentials{AccessKeyID: "STS.id", AccessKeySecret: "s", SecurityToken: "tok"}
	r := &Request{Method: "GET", Host: "h", Path: "/p", Action: "A", Version: "V", Query: url.Values{"k": {"v"}}}
	h := http.Header{}
	_, err := SignROA(h, r, c, time.Unix(0, 0), "n")
	require.NoError(t, err)
	assert.Equal(t, "tok", h.Get("x-acs-security-token"))
	assert.Contains(t, ROACanonicalHeaders(h), "x-acs-security-token:tok\n")
	h = http.Header{}
	_, err = SignACS3(h, r, c, time.Unix(0, 0), "n")
	require.NoError(t, err)
	assert.Equal(t, "tok", h.Get("x-acs-security-token"))
	assert.Equal(t, "STS.id", h.Get("x-acs-accesskey-id"))
	assert.Contains(t, h.Get("Authorization"), "SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,")
}

func TestSignWithBody(t *testing.T) {
	c := Credentials{AccessKeyID: "id", AccessKeySecret: "s"}
	r := &Request{Method: "POST", Host: "h", Path: "/p", Action: "A", Version: "V", Body: []byte("key=value"), ContentType: "application/x-www-form-urlencoded"}
	h := http.Header{}
	_, err := SignROA(h, r, c, time.Unix(0, 0), "n")
	require.NoError(t, err)
	assert.Equal(t, "7xdqbEJPlU+kLUzeA5SYlw==", h.Get("Content-MD5")) // base64(MD5("key=value"))
	assert.Equal(t, "application/x-www-form-urlencoded", h.Get("Content-Type"))
	h = http.Header{}
	_, err = SignACS3(h, r, c, time.Unix(0, 0), "n")
	require.NoError(t, err)
	assert.NotEqual(t, EmptyPayloadSHA256, h.Get("x-acs-content-sha256"))
	assert.Contains(t, h.Get("Authorization"), "SignedHeaders=content-type;host;")
}

func TestSignRejectsBadInput(t *testing.T) {
	good := Credentials{AccessKeyID: "id", AccessKeySecret: "s"}
	cases := map[string]struct {
		r     *Request
		c     Credentials
		nonce string
		field string
	}{
		"nil request":        {nil, good, "n", "nil signer.Request"},
		"no method":          {&Request{Action: "A", Version: "V"}, good, "n", "Method"},
		"no action":          {&Request{Method: "GET", Version: "V"}, good, "n", "Action"},
		"no version":         {&Request{Method: "GET", Action: "A"}, good, "n", "Version"},
		"no nonce":           {&Request{Method: "GET", Action: "A", Version: "V"}, good, "", "nonce"},
		"no access key id":   {&Request{Method: "GET", Action: "A", Version: "V"}, Credentials{AccessKeySecret: "s"}, "n", "access key id"},
		"no secret":          {&Request{Method: "GET", Action: "A", Version: "V"}, Credentials{AccessKeyID: "id"}, "n", "access key secret"},
		"reserved parameter": {&Request{Method: "GET", Action: "A", Version: "V", Query: url.Values{"Signature": {"x"}}}, good, "n", `"Signature"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := SignRPC(tc.r, tc.c, time.Unix(0, 0), tc.nonce)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.field)
			if tc.c.AccessKeySecret == "" || tc.c.AccessKeyID == "" {
				require.ErrorIs(t, err, ErrInvalidCredentials)
			} else {
				require.ErrorIs(t, err, ErrInvalidInput)
			}
			if name != "reserved parameter" {
				_, err := SignROA(http.Header{}, tc.r, tc.c, time.Unix(0, 0), tc.nonce)
				require.Error(t, err)
				_, err = SignACS3(http.Header{}, tc.r, tc.c, time.Unix(0, 0), tc.nonce)
				require.Error(t, err)
			}
		})
	}
}
