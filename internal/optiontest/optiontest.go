// Package optiontest checks that a service package's Options reach the
// transport: every field of transport.Options must have a same-named,
// same-typed field in the service's Options whose value the service's
// conversion copies. A copier line forgotten when a field is added would
// otherwise drop a user's setting without a word.
package optiontest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/alisecret/alisecret-go/internal/transport"
)

// Check fills every field of *opts with a distinct non-zero value (values
// for interface and pointer fields come from byType), converts it with
// convert, and fails t for each transport.Options field that has no
// counterpart in the service's Options or arrives with another value, and
// for each service field that is neither a transport field nor named in
// serviceOnly.
func Check[O any](t testing.TB, convert func(O) transport.Options, byType map[reflect.Type]any, serviceOnly ...string) {
	t.Helper()
	var o O
	ov := reflect.ValueOf(&o).Elem()
	for i := 0; i < ov.NumField(); i++ {
		if err := fill(ov.Field(i), i, byType); err != nil {
			t.Fatalf("%s.%s: %v", ov.Type().Name(), ov.Type().Field(i).Name, err)
		}
	}
	got := reflect.ValueOf(convert(o))
	tt := got.Type()
	for i := 0; i < tt.NumField(); i++ {
		name := tt.Field(i).Name
		src := ov.FieldByName(name)
		switch {
		case !src.IsValid():
			t.Errorf("transport.Options.%s has no %s.%s", name, ov.Type().Name(), name)
		case src.Type() != tt.Field(i).Type && !src.Type().ConvertibleTo(tt.Field(i).Type):
			t.Errorf("%s.%s is %v, transport.Options.%s is %v", ov.Type().Name(), name, src.Type(), name, tt.Field(i).Type)
		case !reflect.DeepEqual(src.Interface(), got.Field(i).Interface()):
			t.Errorf("%s.%s does not reach transport.Options (got %v)", ov.Type().Name(), name, got.Field(i))
		}
	}
	for i := 0; i < ov.NumField(); i++ {
		name := ov.Type().Field(i).Name
		if _, ok := tt.FieldByName(name); !ok && !slices.Contains(serviceOnly, name) {
			t.Errorf("%s.%s is neither a transport option nor declared service-only", ov.Type().Name(), name)
		}
	}
}

// fill sets v to a non-zero value that differs from field to field.
func fill(v reflect.Value, i int, byType map[reflect.Type]any) error {
	if x, ok := byType[v.Type()]; ok {
		v.Set(reflect.ValueOf(x))
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("value-%d", i))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Type() == reflect.TypeFor[time.Duration]() {
			v.SetInt(int64(time.Duration(i+1) * time.Second))
		} else {
			v.SetInt(int64(i + 1))
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("no value for %v: give one in byType", v.Type())
		}
		v.SetBytes([]byte{byte(i + 1)})
	default:
		return fmt.Errorf("no value for %v: give one in byType", v.Type())
	}
	return nil
}
