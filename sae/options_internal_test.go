package sae

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"testing"

	"github.com/alisecret/alisecret-go/internal/optiontest"
	"github.com/alisecret/alisecret-go/retry"
	"github.com/alisecret/alisecret-go/signer"
)

// Every Options field reaches the transport with the caller's value: a
// forgotten line in transport() would silently drop a user's setting.
func TestEveryOptionReachesTheTransport(t *testing.T) {
	optiontest.Check(t, Options.transport, map[reflect.Type]any{
		reflect.TypeFor[signer.CredentialsProvider](): signer.StaticCredentials("LTAIoptions", "options-secret", ""),
		reflect.TypeFor[HTTPClient]():                 &http.Client{Timeout: 7},
		reflect.TypeFor[retry.Retryer]():              retry.NewStandard(retry.StandardOptions{}),
		reflect.TypeFor[*slog.Logger]():               slog.New(slog.NewTextHandler(io.Discard, nil)),
		reflect.TypeFor[Observer]():                   nopObserver{},
	})
}

type nopObserver struct{ _ int }

func (nopObserver) StartCall(ctx context.Context, _ CallInfo) context.Context { return ctx }
func (nopObserver) ObserveAttempt(context.Context, AttemptInfo)               {}
func (nopObserver) EndCall(context.Context, CallInfo, error)                  {}
