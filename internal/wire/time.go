package wire

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time decodes a time in any form [ParseTime] reads. A text it cannot read
// is kept rather than failing the decoding, so that the caller can report
// it under the field's name ([Time.Raw]).
type Time struct {
	t   time.Time
	raw string // the text as sent, when ParseTime could not read it
}

// UnmarshalJSON implements json.Unmarshaler. It fails, as [String] does,
// only on an object or an array.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	var s String
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	v, err := ParseTime(string(s))
	if err != nil {
		t.raw = string(s)
	}
	t.t = v
	return nil
}

// Value returns the time (UTC; zero when absent), or the zero time and
// [ParseTime]'s error for a text in no layout it reads.
func (t Time) Value() (time.Time, error) {
	if t.raw == "" {
		return t.t, nil
	}
	return ParseTime(t.raw)
}

// Raw returns the text as sent when Value cannot read it; "" otherwise.
func (t Time) Raw() string { return t.raw }

// ParseTime reads the time formats the services use: RFC 3339 with or
// without fractional seconds or zone (no zone is UTC), "2006-01-02
// 15:04:05" (UTC), and epoch seconds or milliseconds ([EpochTime]); "" is
// the zero time. Results are in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return EpochTime(n), nil
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}

// EpochTime reads n as epoch milliseconds beyond ±1e11 (as seconds, the
// year 5138), else as epoch seconds; 0 is the zero time.
func EpochTime(n int64) time.Time {
	switch {
	case n == 0:
		return time.Time{}
	case n > 1e11 || n < -1e11:
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// ParseSeconds reads a duration sent as "604800s", "604800" (seconds) or a
// Go duration ("168h"); "" is 0. A negative or overflowing count is an error.
func ParseSeconds(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	if n, err := strconv.ParseInt(strings.TrimSuffix(s, "s"), 10, 64); err == nil {
		if n < 0 || n > int64(1<<63-1)/int64(time.Second) {
			return 0, fmt.Errorf("duration %q out of range", s)
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("unrecognised duration %q", s)
	}
	return d, nil
}
