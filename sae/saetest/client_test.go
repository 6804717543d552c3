package saetest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/alisecret/alisecret-go/sae"
	"github.com/alisecret/alisecret-go/sae/saetest"
)

// Client's retries back off at most 10ms, as documented, unless optFns
// say otherwise.
func TestClientBacksOffAtMost10ms(t *testing.T) {
	srv := saetest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	assert.Equal(t, 10*time.Millisecond, c.Options().RetryMaxBackoff)
	c, err = srv.Client(func(o *sae.Options) { o.RetryMaxBackoff = time.Second })
	require.NoError(t, err)
	assert.Equal(t, time.Second, c.Options().RetryMaxBackoff)
}
