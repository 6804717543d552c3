package transport

import (
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/alisecret/alisecret-go/signer"
)

// EncodeQuery turns an operation's input struct into query parameters by
// its `url:"name,omitempty"` tags, with go-querystring's semantics for the
// field kinds inputs use (strings, booleans, integers). The tags are read
// once per type; query_test.go holds the encoding to go-querystring's.
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
	plan, err := planFor(v.Type())
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %v", svc, op, signer.ErrInvalidInput, err)
	}
	q := make(url.Values, len(plan))
	for _, f := range plan {
		fv := v.Field(f.index)
		if f.omitEmpty && fv.IsZero() {
			continue
		}
		var s string
		switch fv.Kind() {
		case reflect.String:
			s = fv.String()
		case reflect.Bool:
			s = strconv.FormatBool(fv.Bool())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			s = strconv.FormatInt(fv.Int(), 10)
		default: // Uint kinds; planFor admits nothing else
			s = strconv.FormatUint(fv.Uint(), 10)
		}
		q[f.name] = []string{s}
	}
	return q, nil
}

type queryField struct {
	index     int
	name      string
	omitEmpty bool
}

var queryPlans sync.Map // reflect.Type -> []queryField

func planFor(t reflect.Type) ([]queryField, error) {
	if p, ok := queryPlans.Load(t); ok {
		return p.([]queryField), nil
	}
	var plan []queryField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("url")
		if !sf.IsExported() || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		switch sf.Type.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		default:
			return nil, fmt.Errorf("field %s.%s: kind %s is not a query parameter kind", t.Name(), sf.Name, sf.Type.Kind())
		}
		plan = append(plan, queryField{index: i, name: name, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	queryPlans.Store(t, plan)
	return plan, nil
}
