package otel_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/alisecret/alisecret-go/kms"
	alisecretotel "github.com/alisecret/alisecret-go/otel"
)

// cacheEvents is one of each kind, a refresh that failed among them.
var cacheEvents = []kms.CacheEvent{
	{Kind: kms.CacheMiss, Name: "db", Stage: "ACSCurrent"},
	{Kind: kms.CacheRefresh, Name: "db", Stage: "ACSCurrent"},
	{Kind: kms.CacheHit, Name: "db", Stage: "ACSCurrent"},
	{Kind: kms.CacheHit, Name: "api-key", Stage: "ACSPrevious"},
	{Kind: kms.CacheStale, Name: "db", Stage: "ACSCurrent"},
	{Kind: kms.CacheRefresh, Name: "db", Stage: "ACSCurrent", Background: true,
		Err: &kms.APIError{Service: "kms", Operation: "GetSecretValue", StatusCode: 429, Code: "Rejected.Throttling"}},
	{Kind: kms.CacheEvict, Name: "api-key", Stage: "ACSPrevious"},
}

func TestCacheEvents(t *testing.T) {
	tests := []struct {
		name string
		opts alisecretotel.Options
		want map[string]int64
	}{
		{"by kind", alisecretotel.Options{}, map[string]int64{
			"alisecret.cache.event=miss":                                   1,
			"alisecret.cache.event=refresh":                                1,
			"alisecret.cache.event=refresh,error.type=Rejected.Throttling": 1,
			"alisecret.cache.event=hit":                                    2,
			"alisecret.cache.event=stale":                                  1,
			"alisecret.cache.event=evict":                                  1,
		}},
		{"by kind and secret", alisecretotel.Options{CacheByName: true}, map[string]int64{
			"alisecret.cache.event=miss,alisecret.secret.name=db,alisecret.secret.stage=ACSCurrent":                                   1,
			"alisecret.cache.event=refresh,alisecret.secret.name=db,alisecret.secret.stage=ACSCurrent":                                1,
			"alisecret.cache.event=refresh,alisecret.secret.name=db,alisecret.secret.stage=ACSCurrent,error.type=Rejected.Throttling": 1,
			"alisecret.cache.event=hit,alisecret.secret.name=db,alisecret.secret.stage=ACSCurrent":                                    1,
			"alisecret.cache.event=hit,alisecret.secret.name=api-key,alisecret.secret.stage=ACSPrevious":                              1,
			"alisecret.cache.event=stale,alisecret.secret.name=db,alisecret.secret.stage=ACSCurrent":                                  1,
			"alisecret.cache.event=evict,alisecret.secret.name=api-key,alisecret.secret.stage=ACSPrevious":                            1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorded(t, tt.opts)
			for _, e := range cacheEvents {
				rec.obs.ObserveCache(e)
			}
			rm := rec.metrics(t)
			assert.Equal(t, tt.want, counts(t, rm, "alisecret.cache.events"))
			assert.Equal(t, "{event}", find(t, rm, "alisecret.cache.events").Unit)
			assert.Empty(t, rec.spans.GetSpans(), "cache events make no spans")
		})
	}
}
