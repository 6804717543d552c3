package wire

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// secretThing prints through Format with its Value redacted, as the kms
// and sae output types do.
type secretThing struct{ Name, Value string }

// secretThingView has no methods, so fmt prints its fields.
type secretThingView secretThing

func (s secretThing) Format(f fmt.State, verb rune) {
	v := secretThingView(s)
	v.Value = RedactString(v.Value)
	Format(f, verb, v, "wire.secretThingView", "wire.secretThing")
}

// Format keeps the caller's verb and flags, and for %#v only names the
// real type: a field's own text is printed as it is, even when it reads
// like the view's name.
func TestFormatRedactsUnderEveryVerb(t *testing.T) {
	s := secretThing{Name: "db", Value: "TOPSECRET"}
	cases := map[string]string{
		"%v":   "{db [redacted]}",
		"%+v":  "{Name:db Value:[redacted]}",
		"%#v":  `wire.secretThing{Name:"db", Value:"[redacted]"}`,
		"%s":   "{db [redacted]}",
		"%q":   `{"db" "[redacted]"}`,
		"%12v": "{          db   [redacted]}",
	}
	for verb, want := range cases {
		assert.Equal(t, want, fmt.Sprintf(verb, s), verb)
	}
	named := secretThing{Name: "wire.secretThingView"}
	assert.Equal(t, "{wire.secretThingView }", fmt.Sprintf("%v", named))
	assert.Equal(t, `wire.secretThing{Name:"wire.secretThingView", Value:""}`, fmt.Sprintf("%#v", named))
}

// Only a present secret is replaced: an empty one stays empty, so a
// reader can tell the two apart.
func TestRedactString(t *testing.T) {
	assert.Equal(t, "", RedactString(""))
	assert.Equal(t, Redacted, RedactString("x"))
	assert.Equal(t, "[redacted]", Redacted)
}
