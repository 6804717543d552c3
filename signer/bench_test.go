package signer

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

var (
	benchCreds = Credentials{AccessKeyID: "LTAI5tExampleKeyId", AccessKeySecret: "exampleSecretValue0123456789abcd"}
	benchTime  = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	benchNonce = "0123456789abcdef0123456789abcdef"
	benchRPC   = &Request{Method: "POST", Action: "GetSecretValue", Version: "2016-01-20", Query: url.Values{"SecretName": {"prod/db-password"}, "VersionStage": {"ACSCurrent"}}}
	benchROA   = &Request{Method: "GET", Host: "sae.cn-beijing.aliyuncs.com", Path: "/pop/v1/sam/secret/secret", Action: "DescribeSecret", Version: "2019-05-06",
		Query: url.Values{"NamespaceId": {"cn-beijing:test"}, "SecretId": {"16"}}}
)

func BenchmarkSignRPC(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignRPC(benchRPC, benchCreds, benchTime, benchNonce); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignROA(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignROA(http.Header{}, benchROA, benchCreds, benchTime, benchNonce); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSignACS3(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SignACS3(http.Header{}, benchROA, benchCreds, benchTime, benchNonce); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPercentEncode(b *testing.B) {
	s := strings.Repeat("prod/db password α*~", 4)
	b.ReportAllocs()
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = PercentEncode(s)
	}
}

// TestSignAllocations holds each signer to its allocation count, for a
// small request and for one with long values: the buffers are sized up
// front, so a size computed short shows here as one allocation more.
// Counts: RPC v1 the timestamp, the buffer, the query and crypto/hmac's
// five; ROA v1 and ACS3 add the date, the shared header values, the
// Authorization value and the first group of the empty header map (the
// long cases reuse a map that has room, and pay instead for crypto/hmac
// hashing a key longer than a block).
func TestSignAllocations(t *testing.T) {
	long := strings.Repeat("a b/c*~é", 200)
	longCreds := Credentials{AccessKeyID: strings.Repeat("K", 300), AccessKeySecret: strings.Repeat("s", 300), SecurityToken: strings.Repeat("t+/", 300)}
	longRPC := &Request{Method: "POST", Action: "GetSecretValue", Version: "2016-01-20", Query: url.Values{"SecretName": {long}, "VersionStage": {long}}}
	longROA := &Request{Method: "GET", Host: strings.Repeat("h", 200), Path: "/" + long, Action: "DescribeSecret", Version: "2019-05-06",
		Query: url.Values{"NamespaceId": {long}, "SecretId": {"16"}}}
	h := make(http.Header, 12)
	reused := func() http.Header { clear(h); return h } // a map that does not grow, as the transport's
	cases := []struct {
		name string
		sign func() error
		want float64
	}{
		{"rpc", func() error { _, err := SignRPC(benchRPC, benchCreds, benchTime, benchNonce); return err }, 8},
		// A key longer than a block costs crypto/hmac one hash of it.
		{"rpc long", func() error { _, err := SignRPC(longRPC, longCreds, benchTime, benchNonce); return err }, 9},
		{"roa", func() error {
			_, err := SignROA(http.Header{}, benchROA, benchCreds, benchTime, benchNonce)
			return err
		}, 12},
		{"roa long", func() error { _, err := SignROA(reused(), longROA, longCreds, benchTime, benchNonce); return err }, 11},
		{"acs3", func() error {
			_, err := SignACS3(http.Header{}, benchROA, benchCreds, benchTime, benchNonce)
			return err
		}, 16},
		{"acs3 long", func() error { _, err := SignACS3(reused(), longROA, longCreds, benchTime, benchNonce); return err }, 14},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(100, func() {
				if err := tc.sign(); err != nil {
					t.Fatal(err)
				}
			})
			switch {
			case raceBuild && (allocs < tc.want || allocs > tc.want+2):
				// Instrumented: at most two values moved to the heap.
				t.Errorf("%s allocates %.0f times under -race, want %.0f to %.0f", tc.name, allocs, tc.want, tc.want+2)
			case !raceBuild && allocs != tc.want:
				t.Errorf("%s allocates %.0f times, want %.0f", tc.name, allocs, tc.want)
			}
		})
	}
}
