package wire

import (
	"fmt"
	"strings"
)

// Redacted stands in for a secret value in fmt and slog output.
const Redacted = "[redacted]"

// Format prints view, a copy of a value with its secrets already replaced,
// under the caller's verb and flags. For %#v it names the type realName
// rather than the view's own type viewName.
func Format(f fmt.State, verb rune, view any, viewName, realName string) {
	s := fmt.Sprintf(fmt.FormatString(f, verb), view)
	if verb == 'v' && f.Flag('#') {
		s = strings.Replace(s, viewName, realName, 1)
	}
	_, _ = f.Write([]byte(s))
}

// RedactString returns Redacted for a non-empty s, and "" for "".
func RedactString(s string) string {
	if s == "" {
		return ""
	}
	return Redacted
}
