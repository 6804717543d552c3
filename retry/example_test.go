package retry_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// logged is a custom policy: the default one, telling what it decides
// after each failed attempt.
type logged struct{ *retry.Standard }

func (l logged) Delay(ctx context.Context, a retry.Attempt) (time.Duration, error) {
	d, err := l.Standard.Delay(ctx, a)
	var e *signer.APIError
	if errors.As(a.Err, &e) {
		fmt.Printf("attempt %d failed with %d %s: next in %v, stop: %v\n", a.Number-1, e.StatusCode, e.Code, d, err != nil)
	}
	return d, err
}

// A custom policy installed through kms.Options.Retryer. Its draws are
// half their ceiling and its sleeps return at once, so the output is
// exact and the example instant.
func Example_customPolicy() {
	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("app/db", "example-value")
	srv.FailNext(
		kmstest.Fault{Status: 503, Code: "ServiceUnavailable"},
		kmstest.Fault{Status: 500, Code: "InternalError"},
	)
	policy := logged{retry.NewStandard(retry.StandardOptions{
		Rand:  func(n time.Duration) time.Duration { return n / 2 },
		Sleep: func(ctx context.Context, _ time.Duration) bool { return ctx.Err() == nil },
	})}
	c, err := srv.Client(func(o *kms.Options) { o.Retryer = policy })
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := c.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "app/db"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("loaded", out.SecretName, "version", out.VersionID != "")
	// Output:
	// attempt 1 failed with 503 ServiceUnavailable: next in 50ms, stop: false
	// attempt 2 failed with 500 InternalError: next in 100ms, stop: false
	// loaded app/db version true
}

// A client whose service keeps failing is paced: after its third failure
// in a row, one attempt a second, first attempts of new calls included,
// until any answer other than a failure.
func ExampleStandard_Delay_pacing() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := retry.NewStandard(retry.StandardOptions{Now: func() time.Time { return now }})
	down := &signer.APIError{StatusCode: 503, Code: "ServiceUnavailable"}
	for range retry.PaceAfter {
		s.Record(down)
	}
	for range 3 {
		d, _ := s.Delay(context.Background(), retry.Attempt{Number: 1})
		fmt.Println("new call waits", d)
	}
	s.Record(nil) // another call got an answer
	d, _ := s.Delay(context.Background(), retry.Attempt{Number: 1})
	fmt.Println("after a success", d)
	// Output:
	// new call waits 1s
	// new call waits 2s
	// new call waits 3s
	// after a success 0s
}
