package reliability

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/internal/fakegw"
	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// TestSixtyFourGoroutinesWithFaults: one kms client and one sae client
// shared by 64 goroutines making mixed calls while both servers inject
// transient faults (5xx, throttling, resets, delays). Every call must
// succeed with the right value; -race checks the sharing.
func TestSixtyFourGoroutinesWithFaults(t *testing.T) {
	ks := kmstest.NewServer()
	defer ks.Close()
	ss := saetest.NewServer()
	defer ss.Close()
	const names = 8
	for i := 0; i < names; i++ {
		ks.PutSecretValue(nameOf(i), valueOf(i))
		_, err := ss.PutSecret(saetest.Secret{NamespaceID: namespace, SecretID: int64(i + 1), SecretName: nameOf(i), SecretData: map[string]string{"v": valueOf(i)}})
		require.NoError(t, err)
	}
	transient := []fakegw.Fault{
		{Status: 503, Code: "ServiceUnavailable"}, {Status: 400, Code: "Throttling.User"}, {Reset: true},
		{Status: 502, Body: "<html><title>502</title></html>", ContentType: "text/html"}, {Delay: 5 * time.Millisecond},
	}
	for i := 0; i < 60; i++ {
		f := transient[i%len(transient)]
		ks.FailNext(kmstest.Fault(f))
		ss.FailNext(saetest.Fault(f))
	}
	// Enough attempts that even a run of consecutive faults is survived.
	kc, err := ks.Client(func(o *kms.Options) { o.RetryMaxAttempts = 10; o.RetryMaxBackoff = 2 * time.Millisecond })
	require.NoError(t, err)
	sc, err := ss.Client(func(o *sae.Options) { o.RetryMaxAttempts = 10; o.RetryMaxBackoff = 2 * time.Millisecond })
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	var calls atomic.Int64
	errs := make(chan error, 64*12)
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for j := 0; j < 12; j++ {
				i := (g + j) % names
				calls.Add(1)
				switch j % 3 {
				case 0:
					out, err := kc.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: nameOf(i)})
					if err == nil && out.SecretData != valueOf(i) {
						t.Errorf("kms value of %s: wrong", nameOf(i))
					}
					errs <- err
				case 1:
					out, err := kc.DescribeSecret(ctx, &kms.DescribeSecretInput{SecretName: nameOf(i)})
					if err == nil && out.SecretName != nameOf(i) {
						t.Errorf("kms describe %s: wrong name", nameOf(i))
					}
					errs <- err
				default:
					out, err := sc.DescribeSecret(ctx, &sae.DescribeSecretInput{NamespaceID: namespace, SecretID: int64(i + 1)})
					if err == nil && out.Secret.SecretData["v"] != valueOf(i) {
						t.Errorf("sae value of %d: wrong", i+1)
					}
					errs <- err
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Equal(t, int64(64*12), calls.Load())
	// Every failing fault cost one extra attempt; delay-only faults delay a
	// normal answer and cost none.
	failing := 0
	for i := 0; i < 60; i++ {
		if transient[i%len(transient)].Delay == 0 {
			failing += 2 // one on each server
		}
	}
	assert.Equal(t, 64*12+failing, ks.Requests()+ss.Requests())
}

func nameOf(i int) string  { return "app/secret-" + string(rune('a'+i)) }
func valueOf(i int) string { return "value-" + string(rune('a'+i)) + "-" + secretValue }
