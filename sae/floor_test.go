package sae_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae/saetest"
)

// floorClient is the least a correct client does for one DescribeSecret:
// ROA v1 signed by hand as a careful engineer writes it with net/http,
// encoding/json and crypto/hmac (the string to sign built in order into a
// preallocated buffer, the headers set under their canonical names), the
// JSON decoded into a small struct and the envelope checked. No retries,
// no validation, no error typing: the reference our client is measured
// against.
type floorClient struct {
	hc       *http.Client
	endpoint string
	sts      []byte
}

type floorOutput struct {
	RequestId string
	Success   bool
	Data      struct {
		NamespaceId string
		SecretId    int64
		SecretName  string
		SecretData  map[string]string
	}
}

func newFloor(hc *http.Client, endpoint string) *floorClient {
	return &floorClient{hc: hc, endpoint: endpoint, sts: make([]byte, 0, 512)}
}

func (f *floorClient) describe(namespace string, id int64) (*floorOutput, error) {
	const path = "/pop/v1/sam/secret/secret"
	var nb [16]byte
	_, _ = rand.Read(nb[:])
	var nonce [32]byte
	hex.Encode(nonce[:], nb[:])
	date := time.Now().UTC().Format(http.TimeFormat)
	var idb [20]byte
	idText := strconv.AppendInt(idb[:0], id, 10)
	sts := append(f.sts[:0], "GET\napplication/json\n\n\n"...)
	sts = append(sts, date...)
	sts = append(sts, "\nx-acs-action:DescribeSecret\nx-acs-signature-method:HMAC-SHA1\nx-acs-signature-nonce:"...)
	sts = append(sts, nonce[:]...)
	sts = append(sts, "\nx-acs-signature-version:1.0\nx-acs-version:2019-05-06\n"+path+"?NamespaceId="...)
	sts = append(sts, namespace...)
	sts = append(sts, "&SecretId="...)
	sts = append(sts, idText...)
	f.sts = sts
	mac := hmac.New(sha1.New, []byte(benchKeySecret))
	mac.Write(sts)
	var sig [28]byte
	base64.StdEncoding.Encode(sig[:], mac.Sum(nil))
	req, err := http.NewRequest("GET", f.endpoint+path+"?NamespaceId="+percentEncode(namespace)+"&SecretId="+string(idText), nil)
	if err != nil {
		return nil, err
	}
	req.Header["Date"] = []string{date}
	req.Header["Accept"] = []string{"application/json"}
	req.Header["X-Acs-Action"] = []string{"DescribeSecret"}
	req.Header["X-Acs-Version"] = []string{"2019-05-06"}
	req.Header["X-Acs-Signature-Method"] = []string{"HMAC-SHA1"}
	req.Header["X-Acs-Signature-Version"] = []string{"1.0"}
	req.Header["X-Acs-Signature-Nonce"] = []string{string(nonce[:])}
	req.Header["Authorization"] = []string{"acs " + benchKeyID + ":" + string(sig[:])}
	var out floorOutput
	if err := fetchJSON(f.hc, req, &out); err != nil {
		return nil, err
	}
	if !out.Success || out.Data.SecretId <= 0 {
		return nil, fmt.Errorf("not a secret")
	}
	return &out, nil
}

// percentEncode leaves A-Z a-z 0-9 - _ . ~ literal.
func percentEncode(s string) string {
	const hexd = "0123456789ABCDEF"
	b := make([]byte, 0, 3*len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b = append(b, c)
		} else {
			b = append(b, '%', hexd[c>>4], hexd[c&15])
		}
	}
	return string(b)
}

// The floor is a correct client: the fake accepts its signature.
func TestFloorIsCorrect(t *testing.T) {
	srv := saetest.NewServer(saetest.WithAccessKey(benchKeyID, benchKeySecret))
	defer srv.Close()
	_, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretID: 16, SecretName: "db", SecretData: map[string]string{"k": "v"}})
	require.NoError(t, err)
	out, err := newFloor(srv.HTTPClient(), srv.URL).describe("cn-beijing:test", 16)
	require.NoError(t, err)
	assert.Equal(t, "v", out.Data.SecretData["k"])
	assert.Equal(t, "db", out.Data.SecretName)
}

// fetchJSON is the floors' whole round trip: send, read, fail on a status
// other than 200, decode with encoding/json.
func fetchJSON(hc *http.Client, req *http.Request, out any) error {
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != 200 {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return json.Unmarshal(body, out)
}
