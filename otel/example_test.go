package otel_test

import (
	"context"
	"fmt"
	"sort"
	"time"

	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	alisecretotel "github.com/alisecret/alisecret-go/otel"
	"github.com/alisecret/alisecret-go/retry"
)

// A call the service throttles once, then answers: two requests, one call.
// A program would pass its own MeterProvider (with an OTLP or Prometheus
// exporter) or none, for the global one; this one reads the metrics from a
// ManualReader and prints them.
func ExampleNewObserver() {
	reader := sdkmetric.NewManualReader()
	obs := alisecretotel.NewObserver(alisecretotel.Options{
		MeterProvider: sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader)),
	})

	srv := kmstest.NewServer()
	defer srv.Close()
	srv.PutSecretValue("prod/db-password", "n3w-Pa55w0rd!")
	srv.FailNext(kmstest.Fault{Status: 429, Code: "Rejected.Throttling"})
	client, err := srv.Client(func(o *kms.Options) {
		o.Observer = obs
		// The default policy, without its wait, so the example runs at once.
		o.Retryer = retry.NewStandard(retry.StandardOptions{
			Sleep: func(ctx context.Context, d time.Duration) bool { return ctx.Err() == nil },
		})
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "prod/db-password"}); err != nil {
		fmt.Println(err)
		return
	}

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		fmt.Println(err)
		return
	}
	var lines []string
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, dp := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s{%s} %d", m.Name, dp.Attributes.Encoded(attribute.DefaultEncoder()), dp.Value))
				}
			case metricdata.Histogram[float64]:
				for _, dp := range d.DataPoints {
					lines = append(lines, fmt.Sprintf("%s{%s} count %d", m.Name, dp.Attributes.Encoded(attribute.DefaultEncoder()), dp.Count))
				}
			}
		}
	}
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println(l)
	}
	// Output:
	// alisecret.client.duration{rpc.method=GetSecretValue,rpc.service=kms,rpc.system=alibaba_cloud} count 1
	// alisecret.client.requests{error.type=Rejected.Throttling,rpc.method=GetSecretValue,rpc.service=kms,rpc.system=alibaba_cloud} 1
	// alisecret.client.requests{rpc.method=GetSecretValue,rpc.service=kms,rpc.system=alibaba_cloud} 1
}
