package kms

// MaxPageSize is the largest PageSize the listing operations accept; the
// iterators ask for pages of this size when the input's PageSize is 0.
const MaxPageSize = 100

// pageMissing is the missing test of a listing page: a 2xx answer that
// is JSON but has neither TotalCount nor the list must never pass for an
// empty list.
func pageMissing(hasTotal, hasList bool) string {
	if !hasTotal && !hasList {
		return "neither TotalCount nor the list"
	}
	return ""
}

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

// walkPages yields the items of successive pages from page first (0 means
// 1) of size items, fetched by fetch, until a page is empty, the pages
// seen cover the total the service reports, fetch fails (the error is
// yielded once, last) or yield returns false; no page is fetched after
// that.
func walkPages[T any](first, size int, fetch func(page int) ([]T, int, error), yield func(T, error) bool) {
	page := first
	if page == 0 {
		page = 1
	}
	seen := (page - 1) * size // a negative first fails validation in fetch
	for {
		items, total, err := fetch(page)
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
		seen += len(items)
		if len(items) == 0 || seen >= total {
			return
		}
		page++
	}
}
