package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A stop lets a request in flight finish, then serve returns.
func TestServeFinishesRequestsInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	hs := newServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "done")
	}), timeouts{read: time.Minute, write: time.Minute, idle: time.Minute})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serve(ctx, hs, ln) }()

	answered := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/")
		if err != nil {
			answered <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- string(b)
	}()
	<-entered
	cancel()
	for { // the listener closes as the stop begins
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			break
		}
		_ = c.Close()
	}
	close(release)
	assert.Equal(t, "done", <-answered, "the request in flight is answered")
	require.NoError(t, <-served)
}

// At a stop, the connections that carry no request (new ones that have
// sent nothing yet, idle keep-alive ones) are closed at once; the active
// ones are left to finish.
func TestConnsCloseWaiting(t *testing.T) {
	var cs conns
	pipe := func() net.Conn {
		a, b := net.Pipe()
		t.Cleanup(func() { _ = a.Close(); _ = b.Close() })
		return a
	}
	fresh, idle, active, gone := pipe(), pipe(), pipe(), pipe()
	cs.track(fresh, http.StateNew)
	cs.track(idle, http.StateNew)
	cs.track(idle, http.StateActive)
	cs.track(idle, http.StateIdle)
	cs.track(active, http.StateNew)
	cs.track(active, http.StateActive)
	cs.track(gone, http.StateNew)
	cs.track(gone, http.StateClosed)
	assert.Len(t, cs.state, 3, "closed connections are forgotten")

	cs.closeWaiting()
	closed := func(c net.Conn) bool { return c.SetDeadline(time.Time{}) == io.ErrClosedPipe }
	assert.True(t, closed(fresh), "new")
	assert.True(t, closed(idle), "idle")
	assert.False(t, closed(active), "active")
}
