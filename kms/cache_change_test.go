package kms_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/kms"
)

type change struct{ name, stage, prev, cur string }

// changeLog records OnChange calls. Inside the callback it reads the cache
// (Stats takes the cache's lock, Get the hit path), which would deadlock if
// the callback ran under the lock, and mutates the copies it was given.
type changeLog struct {
	mu      sync.Mutex
	changes []change
	cache   *kms.Cache
}

func (l *changeLog) onChange(name, stage string, prev, cur *kms.GetSecretValueOutput) {
	_ = l.cache.Stats()
	if _, err := l.cache.GetVersionStage(ctx, name, stage); err != nil {
		panic(err)
	}
	l.mu.Lock()
	l.changes = append(l.changes, change{name, stage, prev.VersionID, cur.VersionID})
	l.mu.Unlock()
	prev.SecretData, cur.SecretData = "changed by the callback", "changed by the callback"
	cur.VersionStages[0] = "changed by the callback"
}

func (l *changeLog) get() []change {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]change(nil), l.changes...)
}

func TestCacheOnChange(t *testing.T) {
	f := newFakeKMS()
	log := &changeLog{}
	cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, RefreshAhead: time.Minute, OnChange: log.onChange})
	log.cache = cache
	stale := func(advance time.Duration) string {
		clk.Advance(advance)
		var v string
		within(t, 10*time.Second, "Get with OnChange", func() { v = value(t, cache, "db") })
		kms.WaitCacheFetches(cache)
		return v
	}

	assert.Equal(t, "value-1", stale(0))
	assert.Empty(t, log.get(), "not on the first load")
	assert.Equal(t, "value-1", stale(9*time.Minute+30*time.Second)) // refresh ahead, same version
	assert.Empty(t, log.get(), "same VersionID: no call")

	f.set(func(f *fakeKMS) { f.version = 2 })
	assert.Equal(t, "value-1", stale(9*time.Minute+30*time.Second)) // refresh ahead finds version 2
	assert.Equal(t, []change{{"db", "ACSCurrent", "v-1", "v-2"}}, log.get())
	assert.Equal(t, "value-2", stale(0), "the callback's copies are its own")

	f.set(func(f *fakeKMS) { f.version = 3 })
	out, err := cache.Refresh(ctx, "db")
	require.NoError(t, err)
	assert.Equal(t, "value-3", out.SecretData)
	assert.Len(t, log.get(), 2, "Refresh returns after OnChange")

	f.set(func(f *fakeKMS) { f.deleted = true })
	clk.Advance(time.Hour)
	_, err = cache.Get(ctx, "db")
	require.ErrorIs(t, err, kms.ErrSecretNotFound)
	f.set(func(f *fakeKMS) { f.deleted, f.version = false, 4 })
	assert.Equal(t, "value-4", value(t, cache, "db"))
	kms.WaitCacheFetches(cache)
	assert.Len(t, log.get(), 2, "after a deletion the cache held nothing: a first load again")

	_, err = cache.GetVersionStage(ctx, "db", "ACSPrevious")
	require.NoError(t, err)
	f.set(func(f *fakeKMS) { f.version = 5 })
	clk.Advance(time.Hour)
	_, err = cache.GetVersionStage(ctx, "db", "ACSPrevious")
	require.NoError(t, err)
	assert.Equal(t, change{"db", "ACSPrevious", "v-4", "v-5"}, log.get()[2], "each stage reports its own changes")
	assert.Len(t, log.get(), 3)
}

// TestCacheOutputIsCallersOwn mutates every element of what a Get hands
// out (found by reflection, so that a field added later is covered too)
// on every path a Get can take, and checks that no other caller sees it.
func TestCacheOutputIsCallersOwn(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stages []string
	}{
		{"one stage", []string{"ACSCurrent"}},
		{"three stages", []string{"ACSCurrent", "ACSPrevious", "custom"}},
		{"no stages", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeKMS()
			f.stages = tc.stages
			f.unparsed = map[string]string{"CreateTime": "yesterday"} // a map the caller could write to
			cache, clk := fakeCache(t, f, kms.CacheOptions{TTL: 10 * time.Minute, MaxStale: time.Hour})
			want, err := f.fetch(ctx, "db", "ACSCurrent", false)
			require.NoError(t, err)
			check := func(how string, get func() (*kms.GetSecretValueOutput, error)) {
				got, err := get()
				require.NoError(t, err)
				require.Equal(t, want, got, how)
				mutateAll(t, reflect.ValueOf(got).Elem(), "Get()")
				require.NotEqual(t, want, got, "the mutation took")
				again, err := cache.Get(ctx, "db")
				require.NoError(t, err)
				require.Equal(t, want, again, "%s: the next caller's value is unchanged", how)
			}
			get := func() (*kms.GetSecretValueOutput, error) { return cache.Get(ctx, "db") }
			check("a caller that waited for the fetch", get)
			check("a hit", get)
			clk.Advance(time.Hour / 2)
			check("a stale hit", get)
			kms.WaitCacheFetches(cache)
			check("after revalidation", get)
			check("Refresh", func() (*kms.GetSecretValueOutput, error) { return cache.Refresh(ctx, "db") })
			require.NoError(t, cache.Preload(ctx, "db"))
			check("after Preload", get)
		})
	}
}

// mutateAll changes every settable leaf of v, failing on a kind it does not
// know how to change (so a new kind of field must be taught here).
func mutateAll(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(v.Float() + 1)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			mutateAll(t, v.Index(i), path+"[]")
		}
		if v.Len() == 0 {
			v.Set(reflect.Append(v, reflect.New(v.Type().Elem()).Elem()))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(v.MapIndex(k))
			mutateAll(t, e, path+"[k]")
			v.SetMapIndex(k, e)
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		v.SetMapIndex(reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem())
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		} else {
			mutateAll(t, v.Elem(), "*"+path)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).Add(time.Hour)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if !v.Type().Field(i).IsExported() {
				t.Fatalf("%s.%s is unexported: teach this test how to check it", path, v.Type().Field(i).Name)
			}
			mutateAll(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("%s: kind %s: teach this test how to mutate it", path, v.Kind())
	}
}
