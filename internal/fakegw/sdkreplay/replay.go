// Package sdkreplay rebuilds HTTP requests in the shapes the official
// Alibaba Cloud SDKs send (recorded under the fakes' testdata/), signed
// afresh for a fake's access key, so that tests can check that kmstest,
// saetest and examples/fakeserver accept what those SDKs send without
// depending on them.
//
// Its three signers are written from Alibaba's documented layouts and share no
// code with package signer, so a replayed request is not our signer
// agreeing with itself.
package sdkreplay

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Shape is one recorded request. Header and query values may hold the
// placeholders {{host}}, {{accessKeyId}}, {{securityToken}} (STS),
// {{date}} (RFC 1123 GMT),
// {{timestamp}} (RPC, 2006-01-02T15:04:05Z), {{acsDate}} (ACS3, the same
// layout) and {{nonce}} (32 fresh hex digits); the signature is computed
// and put where Signing says.
type Shape struct {
	Name    string      `json:"name"`    // what sent it and which operation
	Source  string      `json:"source"`  // where the shape comes from
	Signing string      `json:"signing"` // "rpc-v1", "roa-v1" or "acs3"
	Method  string      `json:"method"`
	Path    string      `json:"path"`
	Query   [][2]string `json:"query"`   // in the SDK's order; signing sorts
	Headers [][2]string `json:"headers"` // names as the SDK writes them
	Body    string      `json:"body"`
	// Want is a string the fake's answer must contain, e.g. the secret name.
	Want string `json:"want"`
}

// File is a testdata file of shapes.
type File struct {
	Comment string  `json:"comment"`
	Shapes  []Shape `json:"shapes"`
}

// Load reads a shapes file; unknown fields are an error.
func Load(path string) ([]Shape, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	var file File
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, s := range file.Shapes {
		if s.Name == "" || s.Source == "" || s.Method == "" || s.Path == "" || s.Want == "" {
			return nil, fmt.Errorf("%s: shapes[%d]: name, source, method, path and want are required", path, i)
		}
		switch s.Signing {
		case "rpc-v1", "roa-v1", "acs3":
		default:
			return nil, fmt.Errorf("%s: shapes[%d] %q: signing %q is not rpc-v1, roa-v1 or acs3", path, i, s.Name, s.Signing)
		}
	}
	return file.Shapes, nil
}

// Key is the access key a replayed request is signed with; Token is the
// STS security token that {{securityToken}} stands for.
type Key struct{ ID, Secret, Token string }

// Build returns the shape as a request to baseURL (http://host:port),
// signed with k at time now with the given nonce.
func (s Shape) Build(baseURL string, k Key, now time.Time, nonce string) (*http.Request, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, err
	}
	fill := strings.NewReplacer(
		"{{host}}", u.Host,
		"{{accessKeyId}}", k.ID,
		"{{securityToken}}", k.Token,
		"{{date}}", now.UTC().Format(http.TimeFormat),
		"{{timestamp}}", now.UTC().Format("2006-01-02T15:04:05Z"),
		"{{acsDate}}", now.UTC().Format("2006-01-02T15:04:05Z"),
		"{{nonce}}", nonce,
	).Replace
	var query []param
	for _, kv := range s.Query {
		query = append(query, param{kv[0], fill(kv[1])})
	}
	header := http.Header{}
	var headers []param
	for _, kv := range s.Headers {
		headers = append(headers, param{kv[0], fill(kv[1])})
		if !strings.EqualFold(kv[0], "host") { // net/http sends Host from req.Host
			header.Add(kv[0], fill(kv[1])) // names are case-insensitive on the wire
		}
	}
	switch s.Signing {
	case "rpc-v1":
		query = append(query, param{"Signature", rpcSignature(s.Method, query, k.Secret)})
	case "roa-v1":
		header.Set("Authorization", "acs "+k.ID+":"+roaSignature(s.Method, s.Path, query, headers, k.Secret))
	case "acs3":
		header.Set("Authorization", acs3Authorization(s.Method, s.Path, query, headers, s.Body, k))
	}
	target := baseURL + s.Path
	if len(query) > 0 {
		target += "?" + wireQuery(query)
	}
	req, err := http.NewRequest(s.Method, target, io.NopCloser(strings.NewReader(s.Body)))
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(s.Body))
	if s.Body == "" {
		req.Body = http.NoBody
	}
	req.Header = header
	if ua := header.Get("User-Agent"); ua == "" {
		req.Header.Set("User-Agent", "") // no Go-http-client: the shape says what is sent
	}
	return req, nil
}

type param struct{ k, v string }

// wireQuery is the URL query as the SDKs put it on the wire: Go's
// url.Values.Encode in the SDK's order (spaces as "+").
func wireQuery(ps []param) string {
	parts := make([]string, 0, len(ps))
	for _, p := range ps {
		parts = append(parts, url.QueryEscape(p.k)+"="+url.QueryEscape(p.v))
	}
	return strings.Join(parts, "&")
}
