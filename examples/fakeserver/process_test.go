package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The tests here drive the command as users do: built with go build,
// started as a process of its own, spoken to over HTTP.

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fakeserver-test-")
	if err != nil {
		panic(err)
	}
	binDir = dir
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

var build struct {
	once sync.Once
	path string
	out  []byte
	err  error
}

// binary builds the command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		build.path = filepath.Join(binDir, "fakeserver")
		build.out, build.err = exec.Command("go", "build", "-o", build.path, ".").CombinedOutput()
	})
	require.NoError(t, build.err, "go build: %s", build.out)
	return build.path
}

// process is a running fakeserver.
type process struct {
	URL  string
	cmd  *exec.Cmd
	done chan struct{}
	code int
	errs *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// start runs the command on 127.0.0.1:0 with the shipped seed and args,
// and returns once it has printed its URL. It is stopped with SIGTERM when
// the test ends, and must then exit 0.
func start(t *testing.T, args ...string) *process {
	t.Helper()
	p := &process{done: make(chan struct{}), errs: &lockedBuffer{}}
	p.cmd = exec.Command(binary(t), append([]string{"-addr", "127.0.0.1:0", "-seed", "testdata/seed.json"}, args...)...)
	p.cmd.Stderr = p.errs
	stdout, err := p.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, p.cmd.Start())
	lines := bufio.NewReader(stdout)
	first := make(chan string, 1)
	go func() {
		line, _ := lines.ReadString('\n')
		first <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, lines)
		_ = p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	select {
	case p.URL = <-first:
	case <-time.After(30 * time.Second): // a guard against a hang, not a measurement
		_ = p.cmd.Process.Kill()
		t.Fatalf("no URL from fakeserver: %s", p.errs)
	}
	require.NotEmpty(t, p.URL, "fakeserver exited: %s", p.errs)
	t.Cleanup(func() { p.stop(t) })
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.done:
	case <-time.After(30 * time.Second): // a guard against a hang, not a measurement
		_ = p.cmd.Process.Kill()
		t.Fatal("fakeserver did not stop on SIGTERM")
	}
	assert.Equal(t, 0, p.code, "a clean stop: %s", p.errs)
}

// control sends a control request with a JSON body (nil: none) and
// returns the status and the decoded JSON answer.
func control(t *testing.T, client *http.Client, method, url string, body any, header ...string) (int, any) {
	t.Helper()
	var r io.Reader = http.NoBody
	if s, ok := body.(string); ok {
		r = strings.NewReader(s)
	} else if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"), "%s %s", method, url)
	var out any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out), "%s %s", method, url)
	return resp.StatusCode, out
}
