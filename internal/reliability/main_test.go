package reliability

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/alisecret/alisecret-go/internal/transport"
)

// TestMain checks that the suite leaves no goroutine behind: after every
// test, with idle connections closed, the count must return to where it
// started (within a grace period for connection goroutines to wind down).
func TestMain(m *testing.M) {
	before := runtime.NumGoroutine()
	code := m.Run()
	if code == 0 {
		transport.DefaultHTTPClient().CloseIdleConnections()
		deadline := time.Now().Add(10 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			fmt.Fprintf(os.Stderr, "goroutine leak: %d before the suite, %d after\n%s\n", before, n, stacks)
			code = 1
		}
	}
	os.Exit(code)
}
