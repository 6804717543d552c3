package kms

import (
	"fmt"

	"github.com/alisecret/alisecret-go/internal/wire"
)

const (
	// MaxPageSize is the largest PageSize the listing operations accept,
	// and the iterators' page size when the input's is 0.
	MaxPageSize = 100
	// MaxPages bounds the pages AllSecrets and AllSecretVersions fetch in
	// one walk: more than any account holds, so a walk that gets that far
	// is a service that does not advance, and it ends with an error.
	MaxPages = 10000
)

// checkPaging validates PageNumber and PageSize of an input named typ.
func checkPaging(op, typ string, number, size int) error {
	switch {
	case number < 0:
		return invalid(op, typ+".PageNumber is negative (pages start at 1; 0 means 1)")
	case size < 0 || size > MaxPageSize:
		return invalid(op, typ+".PageSize must be 1 to 100 (0: the service default)")
	}
	return nil
}

// pageWire is the paging part of a listing document.
type pageWire struct {
	head
	TotalCount *wire.Int64 `json:"TotalCount"`
	PageNumber wire.Int64  `json:"PageNumber"`
	PageSize   wire.Int64  `json:"PageSize"`
}

// pageMissing is the missing test of a listing document: JSON with
// neither TotalCount nor the list must never pass for an empty list.
func (w *pageWire) pageMissing(hasList bool) string {
	if w.TotalCount == nil && !hasList {
		return "neither TotalCount nor the list"
	}
	return ""
}

func (w *pageWire) total() int {
	if w.TotalCount == nil {
		return 0
	}
	return int(*w.TotalCount)
}

// page is what one listing call answered.
type page[T any] struct {
	items  []T
	total  int // TotalCount
	number int // PageNumber as answered; 0 when not sent
}

// walkPages yields the items of the pages fetch answers, from page
// *number (0 means 1), setting *number (and *size, MaxPageSize when 0)
// before each fetch. It stops when a page is empty, the pages cover the
// TotalCount, yield returns false, or fetch fails or the walk runs away
// (see runaway, and MaxPages), both yielded once as an error.
func walkPages[T any](op string, number, size *int, key func(T) string, fetch func() (page[T], error), yield func(T, error) bool) {
	if *size == 0 {
		*size = MaxPageSize
	}
	n := *number
	if n == 0 {
		n = 1 // a negative n fails validation in fetch
	}
	seen := (n - 1) * *size
	prevFirst := ""
	var zero T
	for pages := 1; ; pages++ {
		if pages > MaxPages {
			yield(zero, fmt.Errorf("kms %s: paging stopped before page %d: more than %d pages", op, n, MaxPages))
			return
		}
		*number = n
		p, err := fetch()
		if err == nil {
			err = runaway(op, n, seen, prevFirst, p, key)
		}
		if err != nil {
			yield(zero, err)
			return
		}
		for _, it := range p.items {
			if !yield(it, nil) {
				return
			}
		}
		seen += len(p.items)
		if len(p.items) == 0 || seen >= p.total {
			return
		}
		prevFirst = key(p.items[0])
		n++
	}
}

// runaway reports a page that shows the service is not advancing: another
// page than the one asked for, the previous page again (its first item,
// by key), or an empty page while TotalCount says more remain.
func runaway[T any](op string, n, seen int, prevFirst string, p page[T], key func(T) string) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("kms %s: paging stopped at page %d: %s", op, n, fmt.Sprintf(format, args...))
	}
	switch {
	case p.number != 0 && p.number != n:
		return fail("the service answered page %d", p.number)
	case len(p.items) > 0 && prevFirst != "" && key(p.items[0]) == prevFirst:
		return fail("the page repeats the previous one (first item %q)", prevFirst)
	case len(p.items) == 0 && seen < p.total:
		return fail("the page is empty, but TotalCount says %d items and %d came", p.total, seen)
	}
	return nil
}
