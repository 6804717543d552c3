package kms_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// floorClient is the least a correct client does for one GetSecretValue:
// RPC v1 signed by hand into a preallocated buffer (the parameters are
// known, so they are written in canonical order without sorting), sent with
// the given http.Client, the JSON decoded into a small struct. No retries,
// no validation, no error typing: the reference our client is measured
// against.
type floorClient struct {
	hc       *http.Client
	endpoint string
	host     string
	buf      []byte
	sts      []byte
}

type floorOutput struct {
	SecretName string
	SecretData string
	VersionId  string
	RequestId  string
}

func appendEnc(dst []byte, s string) []byte {
	const hexd = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', hexd[c>>4], hexd[c&15])
		}
	}
	return dst
}

func (f *floorClient) get(name string) (*floorOutput, error) {
	var nb [16]byte
	_, _ = rand.Read(nb[:])
	var nonce [32]byte
	hex.Encode(nonce[:], nb[:])
	var ts [20]byte
	q := f.buf[:0]
	q = append(q, "AccessKeyId="+benchKeyID+"&Action=GetSecretValue&Format=JSON&SecretName="...)
	q = appendEnc(q, name)
	q = append(q, "&SignatureMethod=HMAC-SHA1&SignatureNonce="...)
	q = append(q, nonce[:]...)
	q = append(q, "&SignatureVersion=1.0&Timestamp="...)
	q = appendEnc(q, string(time.Now().UTC().AppendFormat(ts[:0], "2006-01-02T15:04:05Z")))
	q = append(q, "&Version=2016-01-20"...)
	sts := append(f.sts[:0], "POST&%2F&"...)
	sts = appendEnc(sts, string(q))
	mac := hmac.New(sha1.New, []byte(benchKeySecret+"&"))
	mac.Write(sts)
	var sum [sha1.Size]byte
	var sig [28]byte
	base64.StdEncoding.Encode(sig[:], mac.Sum(sum[:0]))
	q = append(q, "&Signature="...)
	q = appendEnc(q, string(sig[:]))
	f.buf, f.sts = q, sts
	req, err := http.NewRequest("POST", f.endpoint+"/?"+string(q), nil)
	if err != nil {
		return nil, err
	}
	return f.do(req)
}

// getACS3 is the same GetSecretValue signed with ACS3-HMAC-SHA256, as a
// careful engineer writes it with net/http, encoding/json and crypto/hmac:
// the canonical request built in order into a preallocated buffer (the
// headers are known, so they are written sorted), headers set under their
// canonical names.
func (f *floorClient) getACS3(name string) (*floorOutput, error) {
	const emptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	const signed = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
	var nb [16]byte
	_, _ = rand.Read(nb[:])
	var nonce [32]byte
	hex.Encode(nonce[:], nb[:])
	date := time.Now().UTC().Format("2006-01-02T15:04:05Z")
	q := appendEnc(append(f.buf[:0], "SecretName="...), name)
	cr := append(f.sts[:0], "POST\n/\n"...)
	cr = append(cr, q...)
	cr = append(cr, "\nhost:"...)
	cr = append(cr, f.host...)
	cr = append(cr, "\nx-acs-action:GetSecretValue\nx-acs-content-sha256:"+emptyHash+"\nx-acs-date:"...)
	cr = append(cr, date...)
	cr = append(cr, "\nx-acs-signature-nonce:"...)
	cr = append(cr, nonce[:]...)
	cr = append(cr, "\nx-acs-version:2016-01-20\n\n"+signed+"\n"+emptyHash...)
	sum := sha256.Sum256(cr)
	var sts [17 + 64]byte
	copy(sts[:], "ACS3-HMAC-SHA256\n")
	hex.Encode(sts[17:], sum[:])
	mac := hmac.New(sha256.New, []byte(benchKeySecret))
	mac.Write(sts[:])
	var sig [64]byte
	hex.Encode(sig[:], mac.Sum(nil))
	f.buf, f.sts = q, cr
	req, err := http.NewRequest("POST", f.endpoint+"/?"+string(q), nil)
	if err != nil {
		return nil, err
	}
	req.Header["X-Acs-Action"] = []string{"GetSecretValue"}
	req.Header["X-Acs-Version"] = []string{"2016-01-20"}
	req.Header["X-Acs-Date"] = []string{date}
	req.Header["X-Acs-Signature-Nonce"] = []string{string(nonce[:])}
	req.Header["X-Acs-Content-Sha256"] = []string{emptyHash}
	req.Header["Authorization"] = []string{"ACS3-HMAC-SHA256 Credential=" + benchKeyID + ",SignedHeaders=" + signed + ",Signature=" + string(sig[:])}
	return f.do(req)
}

func (f *floorClient) do(req *http.Request) (*floorOutput, error) {
	var out floorOutput
	if err := fetchJSON(f.hc, req, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func newFloor(hc *http.Client, endpoint string) *floorClient {
	return &floorClient{hc: hc, endpoint: endpoint, host: strings.TrimPrefix(endpoint, "http://"), buf: make([]byte, 0, 512), sts: make([]byte, 0, 1024)}
}

// The floor is a correct client: the fake accepts its signature, with a
// name that needs percent-encoding.
func TestFloorIsCorrect(t *testing.T) {
	srv := kmstest.NewServer(kmstest.WithAccessKey(benchKeyID, benchKeySecret))
	defer srv.Close()
	srv.PutSecretValue("a b/c", "v")
	f := newFloor(srv.HTTPClient(), srv.URL)
	for _, tc := range []struct {
		name string
		get  func(string) (*floorOutput, error)
	}{{"rpc v1", f.get}, {"acs3", f.getACS3}} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.get("a b/c")
			require.NoError(t, err)
			assert.Equal(t, "v", out.SecretData)
			assert.Equal(t, "a b/c", out.SecretName)
		})
	}
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
