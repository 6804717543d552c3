package kms_test

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
	"testing"
	"time"

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
	q = append(q, "AccessKeyId="+kmstest.DefaultAccessKeyID+"&Action=GetSecretValue&Format=JSON&SecretName="...)
	q = appendEnc(q, name)
	q = append(q, "&SignatureMethod=HMAC-SHA1&SignatureNonce="...)
	q = append(q, nonce[:]...)
	q = append(q, "&SignatureVersion=1.0&Timestamp="...)
	q = appendEnc(q, string(time.Now().UTC().AppendFormat(ts[:0], "2006-01-02T15:04:05Z")))
	q = append(q, "&Version=2016-01-20"...)
	sts := append(f.sts[:0], "POST&%2F&"...)
	sts = appendEnc(sts, string(q))
	mac := hmac.New(sha1.New, []byte(kmstest.DefaultAccessKeySecret+"&"))
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
	resp, err := f.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var out floorOutput
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func newFloor(hc *http.Client, endpoint string) *floorClient {
	return &floorClient{hc: hc, endpoint: endpoint, buf: make([]byte, 0, 512), sts: make([]byte, 0, 1024)}
}

// The floor is a correct client: the fake accepts its signature.
func TestFloorIsCorrect(t *testing.T) {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("a b/c", "v")
	out, err := newFloor(srv.HTTPClient(), srv.URL).get("a b/c")
	if err != nil {
		t.Fatal(err)
	}
	if out.SecretData != "v" || out.SecretName != "a b/c" {
		t.Fatalf("floor got %+v", out)
	}
}
