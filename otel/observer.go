package otel

import (
	"context"
	"time"

	otelglobal "go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.38.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/alisecret/alisecret-go/kms"
	"github.com/alisecret/alisecret-go/sae"
)

// ScopeName is the instrumentation scope of the tracer and meter an
// Observer uses: its import path.
const ScopeName = "github.com/alisecret/alisecret-go/otel"

// RPCSystem is the value of the rpc.system attribute. The semantic
// conventions list no value for Alibaba Cloud's APIs; "alibaba_cloud" is
// their name for the provider (the cloud.provider value), so one name
// finds both, as AWS's SDKs mark their calls "aws-api".
const RPCSystem = "alibaba_cloud"

// Names of this package's attributes, events and metrics; the semantic
// conventions define none for these.
const (
	attemptKey     = attribute.Key("alisecret.attempt.number")  // int, 1 for a call's first attempt
	latencyKey     = attribute.Key("alisecret.attempt.latency") // float64, the attempt's latency in seconds
	delayKey       = attribute.Key("alisecret.attempt.delay")   // float64, the wait before the next attempt in seconds; 0: none
	attemptsKey    = attribute.Key("alisecret.attempts")        // int, a call's number of attempts (on the span)
	errorCodeKey   = attribute.Key("alisecret.error_code")      // string, the service's error code
	requestIDKey   = attribute.Key("alisecret.request_id")      // string, the answer's request id
	cacheEventKey  = attribute.Key("alisecret.cache.event")     // string: "hit", "miss", "stale", "refresh", "evict"
	secretNameKey  = attribute.Key("alisecret.secret.name")     // string, with Options.CacheByName
	secretStageKey = attribute.Key("alisecret.secret.stage")    // string, with Options.CacheByName

	attemptEvent      = "alisecret.attempt"
	requestsMetric    = "alisecret.client.requests"
	durationMetric    = "alisecret.client.duration"
	cacheEventsMetric = "alisecret.cache.events"
)

// durationBuckets are the boundaries, in seconds, of the duration
// histogram: the ones the semantic conventions advise for HTTP client
// durations (the SDK's default boundaries suit milliseconds).
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// Options configure NewObserver. The zero value uses the global providers.
type Options struct {
	// TracerProvider makes the tracer of the spans. Nil: the global one
	// (go.opentelemetry.io/otel.GetTracerProvider), which follows a
	// provider set later with SetTracerProvider.
	TracerProvider trace.TracerProvider
	// MeterProvider makes the meter of the metrics. Nil: the global one
	// (go.opentelemetry.io/otel.GetMeterProvider), which follows a
	// provider set later.
	MeterProvider metric.MeterProvider
	// CacheByName adds the secret's name and stage (alisecret.secret.name,
	// alisecret.secret.stage) to alisecret.cache.events, for a hit rate
	// per secret. Off by default: a name is not secret, but each name
	// cached becomes a series of its own.
	CacheByName bool
}

// Observer records the calls of kms and sae clients as spans and metrics,
// and a [kms.Cache]'s events as a metric. It is a [kms.Observer] and
// [sae.Observer] (the Observer field of [kms.Options] and [sae.Options])
// and a [kms.CacheObserver] (the Observer field of [kms.CacheOptions]).
// One Observer may serve many clients and caches; it is safe for
// concurrent use. Make one with [NewObserver]; a zero Observer records
// nothing.
//
// Each operation call is a client span named "service/Operation"
// ("kms/GetSecretValue") with rpc.system, rpc.service and rpc.method, and
// on failure the status Error with the error's message (the clients'
// errors are scrubbed of credential material) and error.type; at its end
// alisecret.attempts says how many attempts it made. Each attempt is an
// event "alisecret.attempt" on it, with alisecret.attempt.number (1 for
// the first), http.response.status_code (absent when no answer came),
// alisecret.error_code and alisecret.request_id (when the answer had
// them), error.type (when it failed), alisecret.attempt.latency (seconds)
// and alisecret.attempt.delay (seconds waited before the next attempt; 0:
// none).
//
// Metrics, all with rpc.system, rpc.service and rpc.method, and error.type
// when the thing counted failed:
//
//   - alisecret.client.requests (counter, {request}): one per attempt, that
//     is per request sent, so retries and throttled answers show up here;
//     error.type is that attempt's.
//   - alisecret.client.duration (histogram, seconds): one per call, from
//     its start to its end, retries and their waits included: what the
//     caller waited. error.type is the call's. Its count is the number of
//     calls, so requests minus that count is the number of retries (less
//     any call that ended before its first request).
//   - alisecret.cache.events (counter, {event}): one per cache event, by
//     alisecret.cache.event, with error.type for a failed refresh.
//
// error.type is low in cardinality: the service's error code
// ("Rejected.Throttling"), the HTTP status of an error answer without a
// code ("502"), "timeout" or "canceled" when the context ended the call,
// "connection" for a network failure, "invalid_input",
// "invalid_credentials" or "response_too_large" for those classes, and
// "_OTHER" for anything else. No attribute carries a secret value, an
// access key secret, a security token or a signature: the clients' errors
// are scrubbed of them before an Observer sees them.
type Observer struct {
	tracer      trace.Tracer
	requests    metric.Int64Counter
	duration    metric.Float64Histogram
	cacheEvents metric.Int64Counter
	byName      bool
}

var (
	_ kms.Observer      = (*Observer)(nil)
	_ sae.Observer      = (*Observer)(nil)
	_ kms.CacheObserver = (*Observer)(nil)
)

// NewObserver returns an Observer that uses o's providers. It never
// fails: an instrument the meter cannot make (none of these names or units
// is invalid) is reported to the global OpenTelemetry error handler, as
// OpenTelemetry's own instrumentation does, and records nothing.
func NewObserver(o Options) *Observer {
	tp, mp := o.TracerProvider, o.MeterProvider
	if tp == nil {
		tp = otelglobal.GetTracerProvider()
	}
	if mp == nil {
		mp = otelglobal.GetMeterProvider()
	}
	meter := mp.Meter(ScopeName, metric.WithSchemaURL(semconv.SchemaURL))
	obs := &Observer{
		tracer: tp.Tracer(ScopeName, trace.WithSchemaURL(semconv.SchemaURL)),
		byName: o.CacheByName,
	}
	var err error
	obs.requests, err = meter.Int64Counter(requestsMetric, metric.WithUnit("{request}"),
		metric.WithDescription("Requests sent to the service: one per attempt of a call."))
	handle(err)
	obs.duration, err = meter.Float64Histogram(durationMetric, metric.WithUnit("s"),
		metric.WithDescription("Duration of client calls, retries and their waits included."),
		metric.WithExplicitBucketBoundaries(durationBuckets...))
	handle(err)
	obs.cacheEvents, err = meter.Int64Counter(cacheEventsMetric, metric.WithUnit("{event}"),
		metric.WithDescription("Events of a kms.Cache: hit, miss, stale, refresh, evict."))
	handle(err)
	return obs
}

func handle(err error) {
	if err != nil {
		otelglobal.Handle(err)
	}
}

// callKey is the context key of a call's state.
type callKey struct{}

// call is what an Observer keeps for one call between StartCall and
// EndCall. One call's events come in order on one goroutine, so it needs
// no lock.
type call struct {
	span     trace.Span
	start    time.Time
	attempts int
}

// StartCall implements kms.Observer: it starts the call's span as a child
// of any span in ctx and returns ctx carrying it.
func (o *Observer) StartCall(ctx context.Context, c kms.CallInfo) context.Context {
	if o.tracer == nil {
		return ctx // a zero Observer
	}
	ctx, span := o.tracer.Start(ctx, c.Service+"/"+c.Operation,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(callAttrs(c.Service, c.Operation)...))
	return context.WithValue(ctx, callKey{}, &call{span: span, start: time.Now()})
}

// ObserveAttempt implements kms.Observer: it adds the attempt's event to
// the call's span and counts the request.
func (o *Observer) ObserveAttempt(ctx context.Context, a kms.AttemptInfo) {
	if o.requests == nil {
		return
	}
	if c, ok := ctx.Value(callKey{}).(*call); ok {
		c.attempts = a.Attempt
	}
	attrs := callAttrs(a.Service, a.Operation)
	et := errorType(a.Err)
	if et != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(et))
	}
	o.requests.Add(ctx, 1, metric.WithAttributes(attrs...))

	event := []attribute.KeyValue{
		attemptKey.Int(a.Attempt),
		latencyKey.Float64(a.Latency.Seconds()),
		delayKey.Float64(a.Delay.Seconds()),
	}
	if a.StatusCode != 0 {
		event = append(event, semconv.HTTPResponseStatusCode(a.StatusCode))
	}
	if a.Code != "" {
		event = append(event, errorCodeKey.String(a.Code))
	}
	if a.RequestID != "" {
		event = append(event, requestIDKey.String(a.RequestID))
	}
	if et != "" {
		event = append(event, semconv.ErrorTypeKey.String(et))
	}
	trace.SpanFromContext(ctx).AddEvent(attemptEvent, trace.WithAttributes(event...))
}

// EndCall implements kms.Observer: it records the call's duration and
// ends its span, with status Error when err is not nil.
func (o *Observer) EndCall(ctx context.Context, c kms.CallInfo, err error) {
	if o.duration == nil {
		return
	}
	attrs := callAttrs(c.Service, c.Operation)
	et := errorType(err)
	if et != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(et))
	}
	span := trace.SpanFromContext(ctx)
	if st, ok := ctx.Value(callKey{}).(*call); ok {
		o.duration.Record(ctx, time.Since(st.start).Seconds(), metric.WithAttributes(attrs...))
		span.SetAttributes(attemptsKey.Int(st.attempts))
	}
	if err != nil {
		span.SetAttributes(semconv.ErrorTypeKey.String(et))
		// The clients' errors carry no secret value, access key secret,
		// token or signature, so the message may go out as it is.
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// ObserveCache implements kms.CacheObserver: it counts the event.
func (o *Observer) ObserveCache(e kms.CacheEvent) {
	if o.cacheEvents == nil {
		return
	}
	attrs := []attribute.KeyValue{cacheEventKey.String(e.Kind.String())}
	if et := errorType(e.Err); et != "" {
		attrs = append(attrs, semconv.ErrorTypeKey.String(et))
	}
	if o.byName {
		attrs = append(attrs, secretNameKey.String(e.Name), secretStageKey.String(e.Stage))
	}
	o.cacheEvents.Add(context.Background(), 1, metric.WithAttributes(attrs...))
}

func callAttrs(service, operation string) []attribute.KeyValue {
	return []attribute.KeyValue{
		semconv.RPCSystemKey.String(RPCSystem),
		semconv.RPCService(service),
		semconv.RPCMethod(operation),
	}
}
