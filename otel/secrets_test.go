package otel_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	alisecretotel "github.com/alisecret/alisecret-go/otel"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

const (
	accessKeySecret = "otel-test-access-key-secret"
	securityToken   = "otel-test-security-token-CAIS"
	secretValue     = "otel-test-secret-value-n3w-Pa55w0rd"
)

// echoing answers the first request itself with an error whose message,
// code and request id quote the request's signature, the access key secret
// and the security token, as a careless gateway might; later requests go to
// the fake. It keeps every signature it saw.
type echoing struct {
	next http.RoundTripper
	mu   sync.Mutex
	sigs []string
}

func (e *echoing) RoundTrip(r *http.Request) (*http.Response, error) {
	sig := r.URL.Query().Get("Signature")
	// ROA: "acs AK:sig"; ACS3: "..., Signature=sig".
	if a := r.Header.Get("Authorization"); strings.Contains(a, "Signature=") {
		sig = a[strings.LastIndex(a, "Signature=")+len("Signature="):]
	} else if a != "" {
		sig = a[strings.LastIndex(a, ":")+1:]
	}
	e.mu.Lock()
	e.sigs = append(e.sigs, sig)
	first := len(e.sigs) == 1
	e.mu.Unlock()
	if !first {
		return e.next.RoundTrip(r)
	}
	echo := fmt.Sprintf("%s %s %s %s", sig, url.QueryEscape(sig), accessKeySecret, securityToken)
	body := fmt.Sprintf(`{"Code":"InvalidParameter.%s","Message":"bad request %s","RequestId":"%s"}`, securityToken, echo, sig)
	return &http.Response{
		StatusCode: http.StatusBadRequest, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/json"}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: r,
	}, nil
}

func (e *echoing) signatures() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.sigs...)
}

// recordedStrings is every string the providers hold: span names, status
// descriptions, and the keys and values of every attribute of spans,
// events and metric data points.
func recordedStrings(t *testing.T, rec *recorded) []string {
	var out []string
	add := func(kvs []attribute.KeyValue) {
		for _, kv := range kvs {
			out = append(out, string(kv.Key), kv.Value.Emit())
		}
	}
	for _, s := range rec.spans.GetSpans() {
		out = append(out, s.Name, s.Status.Description)
		add(s.Attributes)
		for _, e := range s.Events {
			out = append(out, e.Name)
			add(e.Attributes)
		}
	}
	rm := rec.metrics(t)
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					add(dp.Attributes.ToSlice())
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					add(dp.Attributes.ToSlice())
				}
			default:
				t.Fatalf("metric %s of unexpected type %T", m.Name, m.Data)
			}
		}
	}
	return out
}

func TestNothingSecretIsRecorded(t *testing.T) {
	tests := []struct {
		name string
		// read makes a call that the echoing transport fails, then one
		// that reads the secret value.
		read func(t *testing.T, rec *recorded, echo *echoing)
	}{
		{"kms", func(t *testing.T, rec *recorded, echo *echoing) {
			srv := kmstest.NewServer(kmstest.WithSTS("LTAIotelTest", accessKeySecret, securityToken))
			t.Cleanup(srv.Close)
			srv.PutSecretValue("db", secretValue)
			echo.next = srv.HTTPClient().Transport
			client, err := srv.Client(func(o *kms.Options) {
				o.Observer = rec.obs
				o.HTTPClient = &http.Client{Transport: echo}
			})
			require.NoError(t, err)
			_, err = client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db"})
			require.Error(t, err)
			out, err := client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db"})
			require.NoError(t, err)
			require.Equal(t, secretValue, out.SecretData)
		}},
		{"sae", func(t *testing.T, rec *recorded, echo *echoing) {
			srv := saetest.NewServer(saetest.WithSTS("LTAIotelTest", accessKeySecret, securityToken))
			t.Cleanup(srv.Close)
			id, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretName: "db", SecretData: map[string]string{"password": secretValue}})
			require.NoError(t, err)
			echo.next = srv.HTTPClient().Transport
			client, err := srv.Client(func(o *sae.Options) {
				o.Observer = rec.obs
				o.HTTPClient = &http.Client{Transport: echo}
			})
			require.NoError(t, err)
			in := &sae.DescribeSecretInput{NamespaceID: "cn-beijing:test", SecretID: id}
			_, err = client.DescribeSecret(context.Background(), in)
			require.Error(t, err)
			out, err := client.DescribeSecret(context.Background(), in)
			require.NoError(t, err)
			require.Equal(t, secretValue, out.Secret.SecretData["password"])
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorded(t, alisecretotel.Options{})
			echo := &echoing{}
			tt.read(t, rec, echo)

			secrets := []string{accessKeySecret, securityToken, secretValue}
			for _, sig := range echo.signatures() {
				require.NotEmpty(t, sig)
				secrets = append(secrets, sig, url.QueryEscape(sig))
			}
			got := recordedStrings(t, rec)
			require.NotEmpty(t, got)
			assert.Contains(t, strings.Join(got, "\n"), "[redacted]", "the echoed material reached the observer, redacted")
			for _, s := range got {
				for _, secret := range secrets {
					assert.NotContains(t, s, secret)
				}
			}
		})
	}
}
