package transport

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/signer"
)

// sentSignature takes the signature out of a request as a gateway sees it.
func sentSignature(r *http.Request) string {
	if sig := r.URL.Query().Get("Signature"); sig != "" {
		return sig
	}
	a := r.Header.Get("Authorization")
	if i := strings.LastIndex(a, "Signature="); i >= 0 {
		return a[i+len("Signature="):]
	}
	return a[strings.LastIndex(a, ":")+1:]
}

// A server that echoes the request's signature, raw and percent-encoded
// once and twice, in every string field of its error document: none of it
// may reach the caller, on any of the three signing paths.
func TestSignatureScrubbedFromErrorAnswers(t *testing.T) {
	sigs := make(chan string, 1)
	s := newServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		sig := sentSignature(r)
		sigs <- sig
		echo := "sig " + sig + " once " + signer.PercentEncode(sig) + " twice " + signer.PercentEncode(signer.PercentEncode(sig))
		doc, _ := json.Marshal(map[string]string{
			"Code": "Bad." + sig, "Message": echo, "RequestId": echo, "HostId": echo, "Recommend": echo, "TraceId": echo,
		})
		writeJSON(w, 400, string(doc))
	})
	cases := []struct {
		name    string
		svc     Service
		version signer.Version
	}{
		{"rpc v1", kmsService, signer.V1},
		{"roa v1", saeService, signer.V1},
		{"acs3", kmsService, signer.V3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestClient(t, tc.svc, s.URL, func(o *Options) { o.SignatureVersion = tc.version; o.RetryMaxAttempts = 1 })
			_, err := c.Do(bg(), &Request{Operation: "Op", Method: "GET", Path: "/p", Query: map[string][]string{"k": {"v"}}})
			sig := <-sigs
			require.GreaterOrEqual(t, len(sig), minRedactLen, "the server saw a signature")
			var apiErr *signer.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Contains(t, apiErr.Message, "[redacted]", "the echo came back")
			for _, form := range []string{sig, signer.PercentEncode(sig), signer.PercentEncode(signer.PercentEncode(sig))} {
				assert.NotContains(t, err.Error(), form)
				for name, f := range map[string]string{"Code": apiErr.Code, "Message": apiErr.Message, "RequestID": apiErr.RequestID,
					"HostID": apiErr.HostID, "Recommend": apiErr.Recommend, "TraceID": apiErr.TraceID} {
					assert.NotContains(t, f, form, "field %s", name)
				}
			}
		})
	}
}

// A server that claims an absurd Content-Length gets a clean
// ErrResponseTooLarge, not a makeslice panic and not an attempt to
// allocate the claim.
func TestAbsurdContentLength(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_, _ = bufio.NewReader(conn).ReadString('\n')
				_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9000000000000000000\r\n\r\n{\"SecretName\":\"s\"}"))
			}()
		}
	}()
	c := newTestClient(t, kmsService, "http://"+ln.Addr().String(), func(o *Options) { o.RetryMaxAttempts = 1 })
	assert.NotPanics(t, func() {
		_, err = c.Do(bg(), getSecretRequest())
	})
	require.ErrorIs(t, err, signer.ErrResponseTooLarge)
	assert.Contains(t, err.Error(), "Content-Length 9000000000000000000 exceeds")
}
