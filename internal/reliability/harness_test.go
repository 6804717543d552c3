package reliability

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

const (
	secretName  = "prod/db-password"
	secretValue = "Val-7c1e0a59-of-the-secret"
	namespace   = "cn-hangzhou:prod"
	secretID    = 16
)

// target is one service under test: a fake server and a call through the
// real client that reads the secret and checks the value.
type target struct {
	name     string
	fail     func(...fakegw.Fault)
	requests func() int
	call     func(ctx context.Context, o func(any)) error
	okBody   string // a success body, for faults that send it raw
}

type opts struct {
	maxAttempts int
	maxBackoff  time.Duration
	httpClient  interface {
		Do(*http.Request) (*http.Response, error)
	}
	clock func() time.Time
}

func newKMSTarget(t *testing.T, o opts) *target {
	t.Helper()
	var sopts []kmstest.Option
	if o.clock != nil {
		sopts = append(sopts, kmstest.WithClock(o.clock))
	}
	srv := kmstest.NewServer(sopts...)
	t.Cleanup(srv.Close)
	srv.PutSecretValue(secretName, secretValue)
	c, err := srv.Client(func(ko *kms.Options) {
		ko.RetryMaxAttempts = o.maxAttempts
		if o.maxBackoff > 0 {
			ko.RetryMaxBackoff = o.maxBackoff
		}
		if o.httpClient != nil {
			ko.HTTPClient = o.httpClient
		}
	})
	require.NoError(t, err)
	return &target{
		name: "kms",
		fail: func(fs ...fakegw.Fault) {
			for _, f := range fs {
				srv.FailNext(kmstest.Fault(f))
			}
		},
		requests: srv.Requests,
		call: func(ctx context.Context, _ func(any)) error {
			out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: secretName})
			if err == nil && out.SecretData != secretValue {
				t.Errorf("kms: wrong value")
			}
			return err
		},
		okBody: `{"RequestId":"R","SecretName":"` + secretName + `","SecretData":"` + secretValue + `","VersionId":"v1","VersionStages":{"VersionStage":["ACSCurrent"]}}`,
	}
}

func newSAETarget(t *testing.T, o opts) *target {
	t.Helper()
	var sopts []saetest.Option
	if o.clock != nil {
		sopts = append(sopts, saetest.WithClock(o.clock))
	}
	srv := saetest.NewServer(sopts...)
	t.Cleanup(srv.Close)
	_, err := srv.PutSecret(saetest.Secret{NamespaceID: namespace, SecretID: secretID, SecretName: "db", SecretData: map[string]string{"password": secretValue}})
	require.NoError(t, err)
	c, err := srv.Client(func(so *sae.Options) {
		so.RetryMaxAttempts = o.maxAttempts
		if o.maxBackoff > 0 {
			so.RetryMaxBackoff = o.maxBackoff
		}
		if o.httpClient != nil {
			so.HTTPClient = o.httpClient
		}
	})
	require.NoError(t, err)
	return &target{
		name: "sae",
		fail: func(fs ...fakegw.Fault) {
			for _, f := range fs {
				srv.FailNext(saetest.Fault(f))
			}
		},
		requests: srv.Requests,
		call: func(ctx context.Context, _ func(any)) error {
			out, err := c.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: namespace, SecretID: secretID})
			if err == nil && out.Secret.SecretData["password"] != secretValue {
				t.Errorf("sae: wrong value")
			}
			return err
		},
		okBody: `{"RequestId":"R","Code":"200","Success":true,"Data":{"NamespaceId":"` + namespace + `","SecretId":16,"SecretName":"db","SecretData":{"password":"` + secretValue + `"}}}`,
	}
}

// targets are the services every row runs against.
var targets = []struct {
	name string
	new  func(*testing.T, opts) *target
}{{"kms", newKMSTarget}, {"sae", newSAETarget}}
