// Package otel records what the alisecret-go clients do as OpenTelemetry
// spans and metrics: a span per operation call with an event per attempt,
// request and duration metrics by service, operation and error, and a
// counter of a [kms.Cache]'s events.
//
// It is a module of its own (github.com/alisecret/alisecret-go/otel), so
// a program that does not use it does not depend on OpenTelemetry.
//
// # Setup
//
// Make one Observer and give it to every client and cache:
//
//	obs := otel.NewObserver(otel.Options{}) // the global TracerProvider and MeterProvider
//	client, err := kms.New(kms.Options{Region: "cn-hangzhou", Observer: obs})
//	...
//	cache := kms.NewCache(client, kms.CacheOptions{TTL: 5 * time.Minute, Observer: obs})
//	saeClient, err := sae.New(sae.Options{Region: "cn-hangzhou", Observer: obs})
//
// [Options].TracerProvider and MeterProvider take providers of your
// own instead of the global ones. A call's span is a child of any span in
// the context the call is made with. The package name clashes with
// go.opentelemetry.io/otel; import it under another name where both are
// used (alisecretotel, say).
//
// # What is recorded
//
// See [Observer] for the span, its events, the metrics and their
// attributes. They follow the OpenTelemetry semantic conventions where
// they apply (v1.38.0: rpc.system, rpc.service, rpc.method, error.type,
// http.response.status_code); the rest are named alisecret.*. Version
// 1.39.0 of the conventions renames rpc.system to rpc.system.name and
// folds rpc.service into rpc.method; while the RPC conventions are still
// in development this package keeps the names that instrumentations and
// backends use today. No secret value, access key secret, security token
// or signature is ever recorded.
package otel
