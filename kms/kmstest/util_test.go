package kmstest_test

import (
	"encoding/json"
	"errors"
	"net/http"
)

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

func errorsAs[T error](err error, target *T) bool { return errors.As(err, target) }

type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }
