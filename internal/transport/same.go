package transport

import "reflect"

// sameProvider reports whether a and b are the same provider value. Only
// pointers (and maps and channels) are compared, by address; funcs are not,
// as distinct closures share a code pointer. Comparing
// arbitrary interface values with == could panic on uncomparable types.
func sameProvider(a, b any) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	switch va.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.UnsafePointer:
		return va.Pointer() == vb.Pointer()
	}
	return false
}
