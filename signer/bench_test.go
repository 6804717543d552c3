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
