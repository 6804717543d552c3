package otel_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/kms/kmstest"
	alisecretotel "github.com/alisecret/alisecret-go/otel"
	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

const (
	getSecretValue = "rpc.method=GetSecretValue,rpc.service=kms,rpc.system=alibaba_cloud"
	throttled      = "error.type=Rejected.Throttling," + getSecretValue
)

func TestThrottledThenSuccessfulCall(t *testing.T) {
	rec := newRecorded(t, alisecretotel.Options{})
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	srv.PutSecretValue("prod/db-password", "n3w-Pa55w0rd!")
	srv.FailNext(kmstest.Fault{Status: 429, Code: "Rejected.Throttling"})
	var waits sleeps
	client, err := srv.Client(func(o *kms.Options) { o.Observer = rec.obs; o.Retryer = policy(&waits) })
	require.NoError(t, err)

	out, err := client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "prod/db-password"})
	require.NoError(t, err)
	require.Len(t, waits.waits(), 1, "the policy waited once, before the second attempt")
	wait := waits.waits()[0]
	require.Positive(t, wait)

	spans := rec.spans.GetSpans()
	require.Len(t, spans, 1)
	span := spans[0]
	assert.Equal(t, "kms/GetSecretValue", span.Name)
	assert.Equal(t, trace.SpanKindClient, span.SpanKind)
	assert.Equal(t, codes.Unset, span.Status.Code)
	assert.Equal(t, map[attribute.Key]attribute.Value{
		"rpc.system":         attribute.StringValue("alibaba_cloud"),
		"rpc.service":        attribute.StringValue("kms"),
		"rpc.method":         attribute.StringValue("GetSecretValue"),
		"alisecret.attempts": attribute.IntValue(2),
	}, attrs(span.Attributes))
	assert.Equal(t, "github.com/alisecret/alisecret-go/otel", span.InstrumentationScope.Name)

	require.Len(t, span.Events, 2)
	first, second := attrs(span.Events[0].Attributes), attrs(span.Events[1].Attributes)
	for _, e := range span.Events {
		assert.Equal(t, "alisecret.attempt", e.Name)
	}
	assert.Equal(t, int64(1), first["alisecret.attempt.number"].AsInt64())
	assert.Equal(t, int64(429), first["http.response.status_code"].AsInt64())
	assert.Equal(t, "Rejected.Throttling", first["alisecret.error_code"].AsString())
	assert.Equal(t, "Rejected.Throttling", first["error.type"].AsString())
	assert.NotEmpty(t, first["alisecret.request_id"].AsString())
	assert.Equal(t, wait.Seconds(), first["alisecret.attempt.delay"].AsFloat64(), "the delay is the wait the policy slept")
	assert.Contains(t, first, attribute.Key("alisecret.attempt.latency"))

	assert.Equal(t, int64(2), second["alisecret.attempt.number"].AsInt64())
	assert.Equal(t, int64(200), second["http.response.status_code"].AsInt64())
	assert.Equal(t, out.RequestID, second["alisecret.request_id"].AsString())
	assert.Equal(t, 0.0, second["alisecret.attempt.delay"].AsFloat64())
	assert.NotContains(t, second, attribute.Key("alisecret.error_code"))
	assert.NotContains(t, second, attribute.Key("error.type"))
	assert.GreaterOrEqual(t, second["alisecret.attempt.latency"].AsFloat64(), 0.0)

	rm := rec.metrics(t)
	assert.Equal(t, map[string]int64{throttled: 1, getSecretValue: 1}, counts(t, rm, "alisecret.client.requests"),
		"one request per attempt, each with its own outcome")
	assert.Equal(t, map[string]uint64{getSecretValue: 1}, histogramCounts(t, rm, "alisecret.client.duration"),
		"one duration per call, with the call's outcome")
	dur := find(t, rm, "alisecret.client.duration")
	assert.Equal(t, "s", dur.Unit)
	assert.Equal(t, "{request}", find(t, rm, "alisecret.client.requests").Unit)
}

func TestFailedCall(t *testing.T) {
	rec := newRecorded(t, alisecretotel.Options{})
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	client, err := srv.Client(func(o *kms.Options) { o.Observer = rec.obs })
	require.NoError(t, err)

	_, err = client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "missing"})
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	var apiErr *kms.APIError
	require.ErrorAs(t, err, &apiErr)
	require.NotEmpty(t, apiErr.Code)

	spans := rec.spans.GetSpans()
	require.Len(t, spans, 1)
	span := spans[0]
	assert.Equal(t, codes.Error, span.Status.Code)
	assert.Equal(t, err.Error(), span.Status.Description)
	assert.Equal(t, apiErr.Code, attrs(span.Attributes)["error.type"].AsString())
	require.Len(t, span.Events, 1, "not found is not retried")
	assert.Equal(t, int64(apiErr.StatusCode), attrs(span.Events[0].Attributes)["http.response.status_code"].AsInt64())

	rm := rec.metrics(t)
	failed := "error.type=" + apiErr.Code + "," + getSecretValue
	assert.Equal(t, map[string]int64{failed: 1}, counts(t, rm, "alisecret.client.requests"))
	assert.Equal(t, map[string]uint64{failed: 1}, histogramCounts(t, rm, "alisecret.client.duration"))
}

func TestCallWithACancelledContext(t *testing.T) {
	rec := newRecorded(t, alisecretotel.Options{})
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	srv.PutSecretValue("db", "v4lue")
	client, err := srv.Client(func(o *kms.Options) { o.Observer = rec.obs })
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err = client.GetSecretValue(ctx, &kms.GetSecretValueInput{SecretName: "db"})
	require.ErrorIs(t, err, context.Canceled)

	spans := rec.spans.GetSpans()
	require.Len(t, spans, 1)
	assert.Equal(t, codes.Error, spans[0].Status.Code)
	assert.Equal(t, "canceled", attrs(spans[0].Attributes)["error.type"].AsString())
	require.Len(t, spans[0].Events, 1)
	event := attrs(spans[0].Events[0].Attributes)
	assert.NotContains(t, event, attribute.Key("http.response.status_code"), "no answer came")
	assert.Equal(t, "canceled", event["error.type"].AsString())
	rm := rec.metrics(t)
	cancelled := "error.type=canceled," + getSecretValue
	assert.Equal(t, map[string]uint64{cancelled: 1}, histogramCounts(t, rm, "alisecret.client.duration"))
	assert.Equal(t, map[string]int64{cancelled: 1}, counts(t, rm, "alisecret.client.requests"))
}

func TestSAECallsAreChildrenOfTheCallersSpan(t *testing.T) {
	rec := newRecorded(t, alisecretotel.Options{})
	srv := saetest.NewServer()
	t.Cleanup(srv.Close)
	_, err := srv.PutSecret(saetest.Secret{NamespaceID: "cn-beijing:test", SecretName: "db", SecretData: map[string]string{"password": "czNjcjN0"}})
	require.NoError(t, err)
	srv.FailNext(saetest.Fault{Status: 503, Code: "ServiceUnavailable"})
	var waits sleeps
	client, err := srv.Client(func(o *sae.Options) { o.Observer = rec.obs; o.Retryer = policy(&waits) })
	require.NoError(t, err)

	ctx, parent := rec.tp.Tracer("test").Start(context.Background(), "startup")
	_, err = client.DescribeSecretByName(ctx, &sae.DescribeSecretByNameInput{NamespaceID: "cn-beijing:test", SecretName: "db"})
	require.NoError(t, err)
	parent.End()

	spans := rec.spans.GetSpans()
	require.Len(t, spans, 3, "ListSecrets, DescribeSecret, and the caller's")
	list, describe := spans[0], spans[1]
	assert.Equal(t, "sae/ListSecrets", list.Name)
	assert.Equal(t, "sae/DescribeSecret", describe.Name)
	for _, s := range spans[:2] {
		assert.Equal(t, parent.SpanContext().SpanID(), s.Parent.SpanID(), s.Name)
		assert.Equal(t, "sae", attrs(s.Attributes)["rpc.service"].AsString(), s.Name)
		assert.Equal(t, trace.SpanKindClient, s.SpanKind, s.Name)
	}
	assert.Equal(t, int64(2), attrs(list.Attributes)["alisecret.attempts"].AsInt64(), "the 503 was retried")
	assert.Equal(t, int64(1), attrs(describe.Attributes)["alisecret.attempts"].AsInt64())
	require.Len(t, waits.waits(), 1)
	assert.Equal(t, waits.waits()[0].Seconds(), attrs(list.Events[0].Attributes)["alisecret.attempt.delay"].AsFloat64())

	const (
		listSecrets = "rpc.method=ListSecrets,rpc.service=sae,rpc.system=alibaba_cloud"
		describeSec = "rpc.method=DescribeSecret,rpc.service=sae,rpc.system=alibaba_cloud"
	)
	rm := rec.metrics(t)
	assert.Equal(t, map[string]int64{"error.type=ServiceUnavailable," + listSecrets: 1, listSecrets: 1, describeSec: 1},
		counts(t, rm, "alisecret.client.requests"))
	assert.Equal(t, map[string]uint64{listSecrets: 1, describeSec: 1}, histogramCounts(t, rm, "alisecret.client.duration"))
}

func TestGlobalProvidersByDefault(t *testing.T) {
	// Not parallel: it sets the global providers, and puts them back.
	rec := newRecorded(t, alisecretotel.Options{})
	prevTP, prevMP := otel.GetTracerProvider(), otel.GetMeterProvider()
	otel.SetTracerProvider(rec.tp)
	otel.SetMeterProvider(rec.mp)
	t.Cleanup(func() { otel.SetTracerProvider(prevTP); otel.SetMeterProvider(prevMP) })

	obs := alisecretotel.NewObserver(alisecretotel.Options{})
	ctx := obs.StartCall(context.Background(), kms.CallInfo{Service: "kms", Operation: "DescribeSecret"})
	obs.ObserveAttempt(ctx, kms.AttemptInfo{Service: "kms", Operation: "DescribeSecret", Attempt: 1, StatusCode: 200, Latency: time.Millisecond})
	obs.EndCall(ctx, kms.CallInfo{Service: "kms", Operation: "DescribeSecret"}, nil)

	spans := rec.spans.GetSpans()
	require.Len(t, spans, 1)
	assert.Equal(t, "kms/DescribeSecret", spans[0].Name)
	describe := "rpc.method=DescribeSecret,rpc.service=kms,rpc.system=alibaba_cloud"
	assert.Equal(t, map[string]int64{describe: 1}, counts(t, rec.metrics(t), "alisecret.client.requests"))
}

func TestZeroObserverRecordsNothing(t *testing.T) {
	var obs alisecretotel.Observer
	srv := kmstest.NewServer()
	t.Cleanup(srv.Close)
	srv.PutSecretValue("db", "v4lue")
	client, err := srv.Client(func(o *kms.Options) { o.Observer = &obs })
	require.NoError(t, err)

	out, err := client.GetSecretValue(context.Background(), &kms.GetSecretValueInput{SecretName: "db"})
	require.NoError(t, err)
	assert.Equal(t, "v4lue", out.SecretData)
	assert.NotPanics(t, func() { obs.ObserveCache(kms.CacheEvent{Kind: kms.CacheHit, Name: "db"}) })
}
