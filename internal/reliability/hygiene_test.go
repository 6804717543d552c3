package reliability

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/credentials-go/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
	"github.com/alisecret/alisecret-go/signer"
)

// Distinctive values: none may appear in any error text, log line or fmt
// rendering, raw or percent-encoded.
const (
	hygAK     = "STS.hygieneKeyId"
	hygSecret = "HygSecret-3e8f9a1c0b7d"
	hygToken  = "HygToken+/=-5d2c4b6a8e0f"
	hygValue  = "HygValue-9b8a7c6d5e4f"
	hygOther  = "HygOtherSecret-1a2b3c4d5e"
)

func forbidden() []string {
	out := []string{hygValue, hygOther}
	for _, v := range []string{hygSecret, hygToken} {
		once := signer.PercentEncode(v)
		out = append(out, v, once, signer.PercentEncode(once))
	}
	return out
}

type collector struct {
	mu    sync.Mutex
	texts []string
}

func (c *collector) add(label string, v ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range v {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			c.texts = append(c.texts, label+": "+fmt.Sprintf(verb, x))
		}
		if err, ok := x.(error); ok {
			c.texts = append(c.texts, label+": "+err.Error())
			for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
				c.texts = append(c.texts, label+" (unwrapped): "+u.Error())
			}
		}
	}
}

func (c *collector) errorf(label string, err error) {
	if err == nil {
		panic(label + ": expected an error")
	}
	c.add(label, err)
}

type failingProvider struct{}

func (failingProvider) GetCredential() (*credentials.CredentialModel, error) {
	return nil, errors.New("provider could not reach the metadata service")
}

func TestSecretHygiene(t *testing.T) {
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewJSONHandler(syncWriter{&logMu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	col := &collector{}
	ctx := context.Background()

	ks := kmstest.NewServer(kmstest.WithSTS(hygAK, hygSecret, hygToken))
	defer ks.Close()
	ks.PutSecretValue("text", hygValue)
	ks.PutSecretValue("json", `{"password":"`+hygValue+`"}`)
	require.NoError(t, ks.PutSecret(kmstest.Secret{Name: "bin", DataType: "binary", Versions: []kmstest.Version{{ID: "v", Stages: []string{"ACSCurrent"}, Data: "%%" + hygValue}}}))
	ss := saetest.NewServer(saetest.WithSTS(hygAK, hygSecret, hygToken))
	defer ss.Close()
	id, err := ss.PutSecret(saetest.Secret{NamespaceID: namespace, SecretName: "s", SecretType: "kubernetes.io/dockerconfigjson",
		SecretData: map[string]string{"plain": hygValue, sae.DockerConfigJSONKey: `{"auths":{"r":{"auth":"` + hygValue + `"}}}`}})
	require.NoError(t, err)

	for _, v := range []signer.Version{signer.V1, signer.V3} {
		kmsWith := func(p signer.CredentialsProvider, mod ...func(*kms.Options)) *kms.Client {
			c, err := ks.Client(append([]func(*kms.Options){func(o *kms.Options) {
				o.Credentials, o.SignatureVersion, o.Logger, o.RetryMaxBackoff = p, v, logger, time.Millisecond
			}}, mod...)...)
			require.NoError(t, err)
			return c
		}
		saeWith := func(p signer.CredentialsProvider, mod ...func(*sae.Options)) *sae.Client {
			c, err := ss.Client(append([]func(*sae.Options){func(o *sae.Options) {
				o.Credentials, o.SignatureVersion, o.Logger, o.RetryMaxBackoff = p, v, logger, time.Millisecond
			}}, mod...)...)
			require.NoError(t, err)
			return c
		}
		good := signer.StaticCredentials(hygAK, hygSecret, hygToken)
		kc, sc := kmsWith(good), saeWith(good)
		sin := &sae.DescribeSecretInput{NamespaceID: namespace, SecretID: id}

		// Success outputs, printed every way.
		out, err := kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "text"})
		require.NoError(t, err)
		col.add("kms output", out, *out)
		logger.Debug("output", "out", out)
		sout, err := sc.DescribeSecret(ctx, sin)
		require.NoError(t, err)
		col.add("sae output", sout, *sout, sout.Secret)
		logger.Debug("output", "out", sout, "secret", sout.Secret)

		// The service quotes its string to sign, which holds the token.
		wrongSecret := signer.StaticCredentials(hygAK, hygOther, hygToken)
		_, err = kmsWith(wrongSecret).GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "text"})
		col.errorf("kms signature mismatch", err)
		_, err = saeWith(wrongSecret).DescribeSecret(ctx, sin)
		col.errorf("sae signature mismatch", err)
		require.ErrorIs(t, err, signer.ErrInvalidCredentials)

		otherToken := signer.StaticCredentials(hygAK, hygSecret, hygOther)
		_, err = kmsWith(otherToken).GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "text"})
		col.errorf("kms token mismatch", err)
		_, err = saeWith(otherToken).DescribeSecret(ctx, sin)
		col.errorf("sae token mismatch", err)

		// Scripted faults: every kind, on both services.
		for _, f := range []kmstest.Fault{
			{Status: 503, Code: "ServiceUnavailable"}, {Reset: true}, {Status: 200, BodySize: 5 << 20, ContentType: "application/json"},
			{Status: 200, Body: `{"SecretName":"text","SecretData":"` + hygValue, ContentType: "application/json"},
			{Status: 200, Body: `{"SecretName":"text","SecretData":{"` + hygValue + `":1}}`, ContentType: "application/json"},
			{Status: 200, Body: `{"Success":true,"Data":{"SecretData":{"k":{"` + hygValue + `":1}}}}`, ContentType: "application/json"},
			// A proxy page echoing the request: the token is the client's own
			// and is scrubbed. (A page quoting a secret *value* cannot be told
			// from any other text: the client never received that value.)
			{Status: 502, Body: "<html><title>bad request with token " + hygToken + "</title></html>", ContentType: "text/html"},
		} {
			ks.FailNext(f)
			ss.FailNext(saetest.Fault(f))
			_, err = kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "text"}, func(o *kms.Options) { o.RetryMaxAttempts = 1 })
			if err != nil {
				col.add("kms fault", err)
			}
			_, err = sc.DescribeSecret(ctx, sin, func(o *sae.Options) { o.RetryMaxAttempts = 1 })
			if err != nil {
				col.add("sae fault", err)
			}
		}

		// Helpers over secret data.
		bin, err := kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "bin"})
		require.NoError(t, err)
		_, err = bin.Bytes()
		col.errorf("Bytes", err)
		var wrong struct{ Password int }
		js, err := kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "json"})
		require.NoError(t, err)
		col.errorf("DecodeJSON type", js.DecodeJSON(&wrong))
		col.errorf("DecodeJSON text", out.DecodeJSON(&wrong))
		_, err = sout.Secret.Decoded()
		col.errorf("Decoded", err)
		_, err = sout.Secret.DockerConfig()
		col.errorf("DockerConfig", err)

		// No answer at all, a context that ends, credentials that fail.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		closed := "http://" + ln.Addr().String()
		require.NoError(t, ln.Close())
		_, err = kmsWith(good, func(o *kms.Options) { o.Endpoint = closed; o.RetryMaxAttempts = 2 }).GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "text"})
		col.errorf("kms dial", err)
		_, err = saeWith(good, func(o *sae.Options) { o.Endpoint = closed; o.RetryMaxAttempts = 2 }).DescribeSecret(ctx, sin)
		col.errorf("sae dial", err)
		ks.FailNext(kmstest.Fault{Delay: time.Hour})
		dctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		_, err = kc.GetSecretValue(dctx, &kms.GetSecretValueInput{SecretName: "text"})
		cancel()
		col.errorf("deadline", err)
		_, err = kmsWith(failingProvider{}).GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "text"})
		col.errorf("provider", err)
	}

	logMu.Lock()
	col.texts = append(col.texts, "logs: "+logs.String())
	logMu.Unlock()
	require.Greater(t, len(col.texts), 200, "the test must have driven many paths")
	assert.Contains(t, logs.String(), `"operation":"GetSecretValue"`, "debug logging was on")
	for _, text := range col.texts {
		for _, bad := range forbidden() {
			if strings.Contains(text, bad) {
				t.Errorf("%q leaked into: %.300s", bad, text)
			}
		}
	}
}

type syncWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (s syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
