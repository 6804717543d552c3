package wire

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Time decodes a time in any form ParseTime reads. The common
// "2006-01-02T15:04:05Z" is parsed from the JSON bytes directly; any other
// text is kept and parsed by Value, whose error the caller can tie to the
// field's name.
type Time struct {
	t   time.Time
	raw string // set when the fast path did not apply
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	if len(b) == 22 && b[0] == '"' && b[21] == '"' {
		if v, ok := parseUTCSeconds(b[1:21]); ok {
			t.t = v
			return nil
		}
	}
	var s String
	if err := s.UnmarshalJSON(b); err != nil {
		return err
	}
	t.raw = string(s)
	return nil
}

// Value returns the time (UTC; zero when absent).
func (t Time) Value() (time.Time, error) {
	if t.raw == "" {
		return t.t, nil
	}
	return ParseTime(t.raw)
}

// Raw returns the text as sent when it was not in the common layout, for
// reporting a time Value cannot read; "" otherwise.
func (t Time) Raw() string { return t.raw }

// parseUTCSeconds parses exactly "2006-01-02T15:04:05Z", rejecting
// out-of-range fields rather than normalising them.
func parseUTCSeconds(b []byte) (time.Time, bool) {
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range b[i : i+n] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[19] != 'Z' {
		return time.Time{}, false
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // 30 February and the like
		return time.Time{}, false
	}
	return t, true
}

// ParseTime reads the time formats the services use: RFC 3339 with or
// without fractional seconds ("2022-02-21T15:39:26Z"), the same without a
// zone (taken as UTC), "2006-01-02 15:04:05" (UTC), and epoch seconds or
// milliseconds as digits. "" is the zero time. Results are in UTC.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return EpochTime(n), nil
	}
	for _, layout := range [...]string{time.RFC3339Nano, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised time %q", s)
}

// EpochTime reads epoch milliseconds (13 digits and more) or seconds; 0 is
// the zero time.
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
// Go duration ("168h"); "" is 0.
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
