package kmstest_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
)

// A server that admits one request per ten seconds (burst 1) and asks throttled
// callers to wait 1.5s: the second call, made without retries, is shed.
// With the default options the client would wait the 1.5s and succeed.
func ExampleWithRateLimit() {
	srv := kmstest.NewServer(kmstest.WithRateLimit(kmstest.RateLimit{Rate: 0.1, Burst: 1, RetryAfter: 1500 * time.Millisecond}))
	defer srv.Close()
	srv.PutSecretValue("db-password", "s3cr3t")
	client, err := srv.Client(func(o *kms.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 2 {
		_, err := client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db-password"})
		var apiErr *kms.APIError
		if errors.As(err, &apiErr) {
			fmt.Println(apiErr.StatusCode, apiErr.Code, apiErr.RetryAfter, errors.Is(err, kms.ErrThrottled))
			continue
		}
		fmt.Println("loaded")
	}
	fmt.Println("shed:", srv.Throttled())
	// Output:
	// loaded
	// 429 Rejected.Throttling 1.5s true
	// shed: 1
}
