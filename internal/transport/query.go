package transport

import (
	"fmt"
	"net/url"
	"reflect"

	"github.com/google/go-querystring/query"

	"github.com/alisecret/alisecret-go/signer"
)

// EncodeQuery turns an operation's input struct into query parameters with
// go-querystring, by its `url:"name,omitempty"` tags. A nil input, an input
// that is not a struct and a field go-querystring cannot encode are errors
// matching signer.ErrInvalidInput that name the service and operation.
func EncodeQuery(svc, op string, in any) (url.Values, error) {
	v := reflect.ValueOf(in)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, fmt.Errorf("%s %s: %w: input is nil", svc, op, signer.ErrInvalidInput)
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("%s %s: %w: input is a %s, not a struct", svc, op, signer.ErrInvalidInput, v.Kind())
	}
	q, err := query.Values(in)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %v", svc, op, signer.ErrInvalidInput, err)
	}
	return q, nil
}
