package kms_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/testca"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/signer"
)

// newInstance starts a shared fake (plain or TLS) with one secret and an
// instance gateway in front of it.
func newInstance(t *testing.T, opts ...kmstest.Option) (*kmstest.Server, *kmstest.Instance) {
	t.Helper()
	srv := kmstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	require.NoError(t, srv.PutSecret(kmstest.Secret{Name: "db", Versions: []kmstest.Version{
		{ID: "v1", Stages: []string{"ACSPrevious"}, Data: "old"},
		{ID: "v2", Stages: []string{"ACSCurrent"}, Data: "new"},
	}}))
	inst := srv.StartInstance()
	t.Cleanup(inst.Close)
	return srv, inst
}

// counts returns the requests the shared and the instance gateway saw.
func counts(srv *kmstest.Server, inst *kmstest.Instance) [2]int {
	return [2]int{srv.Requests(), inst.Requests()}
}

func TestInstanceRoutesGetSecretValueOnly(t *testing.T) {
	for name, opts := range map[string][]kmstest.Option{"shared over http": nil, "shared over TLS": {kmstest.WithTLS()}} {
		t.Run(name, func(t *testing.T) {
			srv, inst := newInstance(t, opts...)
			c, err := inst.Client()
			require.NoError(t, err)
			assert.Equal(t, srv.URL, c.Endpoint())
			assert.Equal(t, inst.URL, c.InstanceEndpoint())

			out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
			require.NoError(t, err)
			assert.Equal(t, "new", out.SecretData)
			assert.Equal(t, [2]int{0, 1}, counts(srv, inst), "GetSecretValue goes to the instance only")

			_, err = c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "db"})
			require.NoError(t, err)
			assert.Equal(t, [2]int{1, 1}, counts(srv, inst), "DescribeSecret goes to the shared gateway only")

			_, err = c.ListSecrets(ctx, &kms.ListSecretsInput{})
			require.NoError(t, err)
			assert.Equal(t, [2]int{2, 1}, counts(srv, inst), "ListSecrets goes to the shared gateway only")

			_, err = c.ListSecretVersionIDs(ctx, &kms.ListSecretVersionIDsInput{SecretName: "db"})
			require.NoError(t, err)
			assert.Equal(t, [2]int{3, 1}, counts(srv, inst), "ListSecretVersionIDs goes to the shared gateway only")

			// The signature version does not change the routing.
			_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.SignatureVersion = signer.V3 })
			require.NoError(t, err)
			assert.Equal(t, [2]int{3, 2}, counts(srv, inst))
		})
	}
}

func TestInstanceRefusesManagementOperations(t *testing.T) {
	// The fake instance, like the real one, serves no management
	// operation: pointing the shared endpoint at it shows the answer.
	srv, inst := newInstance(t)
	c, err := kms.New(kms.Options{Endpoint: inst.URL, Credentials: srv.Credentials(), RetryMaxAttempts: 1,
		HTTPClient: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: poolOf(t, inst.CACertPEM())}}}})
	require.NoError(t, err)
	_, err = c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "db"})
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "UnsupportedOperation", apiErr.Code)
	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db", VersionStage: "ACSPrevious"})
	require.NoError(t, err)
	assert.Equal(t, "old", out.SecretData)
}

func poolOf(t *testing.T, pem []byte) *x509.CertPool {
	p := x509.NewCertPool()
	require.True(t, p.AppendCertsFromPEM(pem))
	return p
}

func TestInstanceWithoutCACertFailsVerification(t *testing.T) {
	srv, inst := newInstance(t)
	c, err := inst.Client(func(o *kms.Options) { o.InstanceCACert = nil })
	require.NoError(t, err)
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	var unknown x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, [2]int{0, 0}, counts(srv, inst), "no request passes an unverified handshake")
}

func TestInstanceCACertNotTrustedForSharedEndpoint(t *testing.T) {
	// The shared endpoint is served with a certificate from the instance's
	// CA: a client that trusts the CA for the instance must still refuse it.
	srv, inst := newInstance(t)
	c, err := inst.Client(func(o *kms.Options) {
		o.Endpoint = inst.URL
		o.HTTPClient = nil // the default client: system roots only
		o.RetryMaxAttempts = 1
	})
	require.NoError(t, err)
	_, err = c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "db"})
	var unknown x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknown)
	_, err = c.ListSecrets(ctx, &kms.ListSecretsInput{})
	require.ErrorAs(t, err, &unknown)
	assert.Equal(t, [2]int{0, 0}, counts(srv, inst))

	// The same client reaches the instance itself.
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, [2]int{0, 1}, counts(srv, inst))
}

func TestInstanceCACertNotTrustedForOtherHosts(t *testing.T) {
	// The instance redirects to a second TLS server whose certificate comes
	// from the same CA. The HTTP client follows redirects, so only the
	// restriction of the CA to the instance endpoint stops the request:
	// the other server is another host:port, and in one case another name.
	for name, otherHost := range map[string]string{"another port": "127.0.0.1", "another name": "localhost"} {
		t.Run(name, func(t *testing.T) {
			ca, err := testca.New("instance CA")
			require.NoError(t, err)
			var otherHits atomic.Int32
			other := tlsServer(t, ca, otherHost, func(w http.ResponseWriter, r *http.Request) {
				otherHits.Add(1)
				w.WriteHeader(http.StatusOK)
			})
			otherURL := strings.Replace(other.URL, "127.0.0.1", otherHost, 1)
			var instHits atomic.Int32
			instance := tlsServer(t, ca, "127.0.0.1", func(w http.ResponseWriter, r *http.Request) {
				instHits.Add(1)
				http.Redirect(w, r, otherURL+"/", http.StatusTemporaryRedirect)
			})

			c, err := kms.New(kms.Options{
				Endpoint:         "http://127.0.0.1:1", // not used by GetSecretValue
				InstanceEndpoint: instance.URL,
				InstanceCACert:   ca.PEM(),
				Credentials:      signer.StaticCredentials("id", "secret", ""),
				HTTPClient:       &http.Client{}, // follows redirects
				RetryMaxAttempts: 1,
			})
			require.NoError(t, err)
			_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
			var unknown x509.UnknownAuthorityError
			require.ErrorAs(t, err, &unknown)
			assert.Equal(t, int32(1), instHits.Load(), "the instance itself is trusted")
			assert.Equal(t, int32(0), otherHits.Load(), "the other server is not")
		})
	}
}

func tlsServer(t *testing.T, ca *testca.CA, host string, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	cert, err := ca.Issue(host)
	require.NoError(t, err)
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestInstanceOptionErrors(t *testing.T) {
	ca, err := testca.New("ca")
	require.NoError(t, err)
	good := ca.PEM()
	base := kms.Options{Region: "cn-hangzhou", Credentials: signer.StaticCredentials("id", "secret", "")}
	tests := []struct {
		name  string
		set   func(*kms.Options)
		field string
	}{
		{"http without opt-in", func(o *kms.Options) { o.InstanceEndpoint = "http://10.0.0.1:8080" }, "Options.InstanceEndpoint"},
		{"path in endpoint", func(o *kms.Options) { o.InstanceEndpoint = "https://kst-1.cryptoservice.kms.aliyuncs.com/x" }, "Options.InstanceEndpoint"},
		{"user info in endpoint", func(o *kms.Options) { o.InstanceEndpoint = "https://u:pw@kst-1.cryptoservice.kms.aliyuncs.com" }, "Options.InstanceEndpoint"},
		{"ftp endpoint", func(o *kms.Options) { o.InstanceEndpoint = "ftp://kst-1" }, "Options.InstanceEndpoint"},
		{"garbage PEM", func(o *kms.Options) { o.InstanceEndpoint, o.InstanceCACert = "kst-1", []byte("not a certificate") }, "Options.InstanceCACert"},
		{"key instead of certificate", func(o *kms.Options) {
			o.InstanceEndpoint, o.InstanceCACert = "kst-1", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
		}, "Options.InstanceCACert"},
		{"corrupt certificate", func(o *kms.Options) {
			o.InstanceEndpoint, o.InstanceCACert = "kst-1", []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
		}, "Options.InstanceCACert"},
		{"text after the certificate", func(o *kms.Options) {
			o.InstanceEndpoint, o.InstanceCACert = "kst-1", append(append([]byte{}, good...), "trailing"...)
		}, "Options.InstanceCACert"},
		{"CA without endpoint", func(o *kms.Options) { o.InstanceCACert = good }, "Options.InstanceCACert"},
		{"CA with a custom Doer", func(o *kms.Options) {
			o.InstanceEndpoint, o.InstanceCACert = "kst-1", good
			o.HTTPClient = doerFunc(func(*http.Request) (*http.Response, error) { return nil, nil })
		}, "Options.InstanceCACert"},
		{"CA with a custom RoundTripper", func(o *kms.Options) {
			o.InstanceEndpoint, o.InstanceCACert = "kst-1", good
			o.HTTPClient = &http.Client{Transport: roundTripperFunc(func(*http.Request) (*http.Response, error) { return nil, nil })}
		}, "Options.InstanceCACert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			tt.set(&o)
			_, err := kms.New(o)
			require.ErrorIs(t, err, signer.ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.field)
			assert.NotContains(t, err.Error(), "pw@", "user info stays out of errors")

			if tt.name == "CA without endpoint" {
				return // per call, a CA without an endpoint is left unused: TestPerCallClearsInstanceEndpoint
			}
			// The same options as a per-call override fail the call, sending nothing.
			c, err := kms.New(base, func(o *kms.Options) { o.Endpoint = "http://127.0.0.1:1" })
			require.NoError(t, err)
			_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, tt.set)
			require.ErrorIs(t, err, signer.ErrInvalidInput)
			assert.Contains(t, err.Error(), tt.field)
			_, err = c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "db"}, tt.set)
			require.ErrorIs(t, err, signer.ErrInvalidInput, "a management operation fails on bad instance options too")
			assert.Contains(t, err.Error(), tt.field)
		})
	}

	t.Run("good", func(t *testing.T) {
		for _, o := range []kms.Options{
			{InstanceEndpoint: "kst-hzz65f1a2b3c.cryptoservice.kms.aliyuncs.com", InstanceCACert: good},
			{InstanceEndpoint: "https://kst-1.cryptoservice.kms.aliyuncs.com/", InstanceCACert: append(append([]byte{}, good...), good...)},
			{InstanceEndpoint: "http://127.0.0.1:8080", InstanceAllowHTTP: true},
			{InstanceEndpoint: "https://kst-1", InstanceCACert: good, HTTPClient: &http.Client{}},
		} {
			o.Region = "cn-hangzhou"
			c, err := kms.New(o)
			require.NoError(t, err)
			assert.NotEmpty(t, c.InstanceEndpoint())
			assert.Equal(t, "https://kms.cn-hangzhou.aliyuncs.com", c.Endpoint())
		}
	})
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestInstanceAllowHTTP(t *testing.T) {
	// A second plain-HTTP fake with the same keys plays a TLS-terminating
	// proxy in front of the instance.
	shared := kmstest.NewServer()
	t.Cleanup(shared.Close)
	proxy := kmstest.NewServer()
	t.Cleanup(proxy.Close)
	proxy.PutSecretValue("db", "via proxy")
	c, err := shared.Client(func(o *kms.Options) { o.InstanceEndpoint, o.InstanceAllowHTTP = proxy.URL, true })
	require.NoError(t, err)
	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, "via proxy", out.SecretData)
	assert.Equal(t, [2]int{0, 1}, [2]int{shared.Requests(), proxy.Requests()})
}

func TestInstancePerCallOverrides(t *testing.T) {
	srv, inst := newInstance(t)
	plain, err := srv.Client()
	require.NoError(t, err)
	toInstance := func(o *kms.Options) { o.InstanceEndpoint, o.InstanceCACert = inst.URL, inst.CACertPEM() }

	_, err = plain.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, 0}, counts(srv, inst), "no instance configured: shared")

	_, err = plain.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, toInstance)
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, 1}, counts(srv, inst), "instance set for the call")

	_, err = plain.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "db"}, toInstance)
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 1}, counts(srv, inst), "management operations stay on the shared gateway")

	withInst, err := inst.Client()
	require.NoError(t, err)
	_, err = withInst.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.InstanceEndpoint, o.InstanceCACert = "", nil })
	require.NoError(t, err)
	assert.Equal(t, [2]int{3, 1}, counts(srv, inst), "instance unset for the call")

	_, err = withInst.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	assert.Equal(t, [2]int{3, 2}, counts(srv, inst), "other overrides keep the instance")

	_, err = withInst.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.InstanceCACert = nil; o.RetryMaxAttempts = 1 })
	var unknown x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknown, "the CA removed for the call")
	assert.Equal(t, [2]int{3, 2}, counts(srv, inst))
}

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestInstanceCACertIsCopied(t *testing.T) {
	srv, inst := newInstance(t)
	caPEM := inst.CACertPEM()
	c, err := inst.Client(func(o *kms.Options) { o.InstanceCACert = caPEM })
	require.NoError(t, err)
	for i := range caPEM {
		caPEM[i] = 'x' // the caller reuses its buffer
	}
	got := c.Options().InstanceCACert
	assert.Equal(t, inst.CACertPEM(), got)
	got[0] = 'x'
	assert.Equal(t, inst.CACertPEM(), c.Options().InstanceCACert, "Options returns a copy")
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	require.NoError(t, err)
	assert.Equal(t, [2]int{0, 1}, counts(srv, inst))
}

func TestInstanceSharesTheLearnedClockOffset(t *testing.T) {
	// The gateways' clock is an hour ahead of ours: the first call learns
	// the offset, and the other gateway's calls use it at once.
	ahead := time.Now().Add(time.Hour)
	srv, inst := newInstance(t, kmstest.WithClock(func() time.Time { return ahead }))
	c, err := inst.Client()
	require.NoError(t, err)
	_, err = c.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 0}, counts(srv, inst), "refused once for the clock, then accepted")
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 1}, counts(srv, inst), "the instance call is signed with the learned time")
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.HTTPClient = &http.Client{} })
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 2}, counts(srv, inst), "per-call instance transports share it too")
}

// TestInstanceConnectionReuse tells the instance transports apart by what
// reaches the server: the client's own instance transport keeps its
// connection alive across calls, and across per-call overrides that leave
// the instance settings alone; a transport built for one call (other
// instance settings) asks for its connection to be closed, so none is left
// idle behind it.
func TestInstanceConnectionReuse(t *testing.T) {
	ca, err := testca.New("instance CA")
	require.NoError(t, err)
	type hit struct {
		conn  string // the client's address: one per connection
		close bool   // Connection: close
	}
	var mu sync.Mutex
	var hits []hit
	closed := make(chan string, 64) // the client addresses of connections the server saw closed
	cert, err := ca.Issue("127.0.0.1")
	require.NoError(t, err)
	instance := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits = append(hits, hit{r.RemoteAddr, r.Close})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"SecretName":"db","SecretData":"v","RequestId":"r"}`))
	}))
	instance.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	instance.Config.ConnState = func(conn net.Conn, s http.ConnState) {
		if s == http.StateClosed {
			closed <- conn.RemoteAddr().String()
		}
	}
	instance.StartTLS()
	t.Cleanup(instance.Close)
	waitClosed := func(addr string) bool {
		for {
			select {
			case a := <-closed:
				if a == addr {
					return true
				}
			case <-time.After(10 * time.Second):
				return false
			}
		}
	}
	last := func() hit {
		mu.Lock()
		defer mu.Unlock()
		require.NotEmpty(t, hits)
		return hits[len(hits)-1]
	}
	own := &http.Client{}
	c, err := kms.New(kms.Options{
		Endpoint:         "http://127.0.0.1:1", // not used by GetSecretValue
		InstanceEndpoint: instance.URL,
		InstanceCACert:   ca.PEM(),
		Credentials:      signer.StaticCredentials("id", "secret", ""),
		HTTPClient:       own,
		RetryMaxAttempts: 1,
	})
	require.NoError(t, err)
	get := func(optFns ...func(*kms.Options)) hit {
		t.Helper()
		_, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, optFns...)
		require.NoError(t, err)
		return last()
	}

	first := get()
	assert.False(t, first.close, "the client's instance transport keeps connections alive")
	assert.Equal(t, first, get(), "the next call reuses the connection")
	for name, fn := range map[string]func(*kms.Options){
		"another option":           func(o *kms.Options) { o.RetryMaxAttempts = 2 },
		"the same instance values": func(o *kms.Options) { o.InstanceEndpoint, o.InstanceCACert = instance.URL, ca.PEM() },
		"the same HTTPClient":      func(o *kms.Options) { o.HTTPClient = own },
	} {
		assert.Equal(t, first, get(fn), "an override that keeps the instance settings reuses the connection: %s", name)
	}

	for name, fn := range map[string]func(*kms.Options){
		"another HTTPClient": func(o *kms.Options) { o.HTTPClient = &http.Client{} },
		"no HTTPClient":      func(o *kms.Options) { o.HTTPClient = nil },
		"InstanceAllowHTTP":  func(o *kms.Options) { o.InstanceAllowHTTP = true },
		"the CA twice":       func(o *kms.Options) { o.InstanceCACert = append(ca.PEM(), ca.PEM()...) },
		"an equal host:port": func(o *kms.Options) { o.InstanceEndpoint = strings.TrimPrefix(instance.URL, "https://") },
	} {
		h := get(fn)
		assert.NotEqual(t, first.conn, h.conn, "%s", name)
		assert.True(t, waitClosed(h.conn), "a one-call instance transport closes its connection after the call: %s", name)
	}
	assert.Equal(t, first, get(), "the client's own connection is still there")
}

// TestInstanceWithoutCACertUsesTheCallersClient: with no InstanceCACert the
// instance requests go over Options.HTTPClient unchanged (the caller's
// tracing or proxy settings apply to them as to the rest), per client and
// per call.
func TestInstanceWithoutCACertUsesTheCallersClient(t *testing.T) {
	srv, inst := newInstance(t)
	var seen atomic.Int32
	base := inst.CACertPEM()
	hc := &http.Client{Transport: roundTripperFunc(func(r *http.Request) (*http.Response, error) {
		seen.Add(1)
		return (&http.Transport{TLSClientConfig: &tls.Config{RootCAs: poolOf(t, base)}}).RoundTrip(r)
	})}
	c, err := inst.Client(func(o *kms.Options) { o.InstanceCACert, o.HTTPClient = nil, hc })
	require.NoError(t, err)
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, int32(1), seen.Load())

	plain, err := srv.Client()
	require.NoError(t, err)
	_, err = plain.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.InstanceEndpoint, o.HTTPClient = inst.URL, hc })
	require.NoError(t, err)
	assert.Equal(t, int32(2), seen.Load())
	assert.Equal(t, [2]int{0, 2}, counts(srv, inst))
}

// TestInstanceCACertKeepsTheCallersTransport: with InstanceCACert, the
// instance requests go over a copy of the caller's *http.Transport, so its
// settings (here its dialer) still apply; a nil *http.Client stands for
// the default client.
func TestInstanceCACertKeepsTheCallersTransport(t *testing.T) {
	srv, inst := newInstance(t)
	var dials atomic.Int32
	dialer := &net.Dialer{}
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dialer.DialContext(ctx, network, addr)
	}}}
	c, err := inst.Client(func(o *kms.Options) { o.HTTPClient = hc })
	require.NoError(t, err)
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, int32(1), dials.Load(), "the instance connection comes from the caller's dialer")

	var none *http.Client
	c, err = inst.Client(func(o *kms.Options) { o.HTTPClient = none })
	require.NoError(t, err)
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, [2]int{0, 2}, counts(srv, inst))
}

// The README's per-call recipe: clearing InstanceEndpoint for one call
// sends it to the shared gateway, even though the client trusts an
// instance CA.
func TestPerCallClearsInstanceEndpoint(t *testing.T) {
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	srv.PutSecretValue("db", "v")
	inst := srv.StartInstance()
	t.Cleanup(inst.Close)
	c, err := inst.Client()
	require.NoError(t, err)
	out, err := c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"}, func(o *kms.Options) { o.InstanceEndpoint = "" })
	require.NoError(t, err)
	assert.Equal(t, "v", out.SecretData)
	assert.Equal(t, 1, srv.Requests(), "the shared gateway served it")
	assert.Zero(t, inst.Requests())
	_, err = c.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, 1, inst.Requests(), "without the override the instance serves it")
}
