package otel_test

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	alisecretotel "github.com/alisecret/alisecret-go/otel"
	"github.com/alisecret/alisecret-go/retry"
)

// recorded is an Observer wired to in-memory providers.
type recorded struct {
	obs    *alisecretotel.Observer
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
	spans  *tracetest.InMemoryExporter
	reader *sdkmetric.ManualReader
}

func newRecorded(t *testing.T, o alisecretotel.Options) *recorded {
	t.Helper()
	r := &recorded{spans: tracetest.NewInMemoryExporter(), reader: sdkmetric.NewManualReader()}
	r.tp = sdktrace.NewTracerProvider(sdktrace.WithSyncer(r.spans))
	o.TracerProvider = r.tp
	r.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.reader))
	o.MeterProvider = r.mp
	r.obs = alisecretotel.NewObserver(o)
	return r
}

// metrics collects what the meter recorded so far.
func (r *recorded) metrics(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, r.reader.Collect(context.Background(), &rm))
	return rm
}

// find returns the metric named name, failing the test without it.
func find(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	require.Failf(t, "metric not recorded", "no metric %q", name)
	return metricdata.Metrics{}
}

// counts returns a counter's value per attribute set (see key).
func counts(t *testing.T, rm metricdata.ResourceMetrics, name string) map[string]int64 {
	t.Helper()
	m := find(t, rm, name)
	sum, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is a %T, not an int64 sum", name, m.Data)
	out := map[string]int64{}
	for _, dp := range sum.DataPoints {
		out[key(dp.Attributes)] += dp.Value
	}
	return out
}

// histogramCounts returns a histogram's count of recordings per attribute set.
func histogramCounts(t *testing.T, rm metricdata.ResourceMetrics, name string) map[string]uint64 {
	t.Helper()
	m := find(t, rm, name)
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%s is a %T, not a float64 histogram", name, m.Data)
	out := map[string]uint64{}
	for _, dp := range h.DataPoints {
		out[key(dp.Attributes)] += dp.Count
	}
	return out
}

// key spells an attribute set "k=v,k=v" in key order, for readable
// comparisons.
func key(s attribute.Set) string {
	var parts []string
	for _, kv := range s.ToSlice() {
		parts = append(parts, string(kv.Key)+"="+kv.Value.Emit())
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

// attrs maps attributes by key.
func attrs(kvs []attribute.KeyValue) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range kvs {
		m[kv.Key] = kv.Value
	}
	return m
}

// sleeps is a retry policy's Sleep that returns at once and keeps every
// wait it was asked for.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err() == nil
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// policy is the default retry policy with its waits skipped and kept in s
// and a fixed jitter draw (half the ceiling).
func policy(s *sleeps) retry.Retryer {
	return retry.NewStandard(retry.StandardOptions{
		Sleep: s.sleep,
		Rand:  func(n time.Duration) time.Duration { return n / 2 },
	})
}
