// Command vulnpolicy reads govulncheck's JSON output (-format json) on
// stdin, prints each vulnerability it found once, and exits 1 when one of
// them must fail CI:
//
//   - a reachable vulnerable symbol outside the Go standard library (our
//     code calls it, directly or through a dependency), or
//   - a vulnerable package of a dependency that we import, when a fixed
//     version exists whose go directive is no newer than ours (-gomod):
//     a fix we can take by raising the requirement.
//
// Everything else is printed and does not fail: findings in the standard
// library (they belong to the toolchain CI runs, not to this module: a
// newer Go release fixes them), modules we require but whose vulnerable
// packages we do not import, and package-level findings whose fix needs a
// newer go directive than the module states or has not been released.
//
// Usage: govulncheck -format json ./... | go run ./.ci/vulnpolicy -gomod go.mod
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/version"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// message is one value of govulncheck's JSON stream; only the parts read
// here are declared.
type message struct {
	Config *struct {
		GoVersion string `json:"go_version"`
		DB        string `json:"db"`
	} `json:"config"`
	OSV *struct {
		ID      string `json:"id"`
		Summary string `json:"summary"`
	} `json:"osv"`
	Finding *finding `json:"finding"`
}

type finding struct {
	OSV          string  `json:"osv"`
	FixedVersion string  `json:"fixed_version"`
	Trace        []frame `json:"trace"`
}

// frame is one step of a finding's trace: Trace[0] is the vulnerable
// module, package or symbol; the last frame, for a symbol, is the call in
// the scanned code that reaches it.
type frame struct {
	Module   string `json:"module"`
	Version  string `json:"version"`
	Package  string `json:"package"`
	Function string `json:"function"`
	Receiver string `json:"receiver"`
	Position *struct {
		Filename string `json:"filename"`
		Line     int    `json:"line"`
	} `json:"position"`
}

// Levels of a finding, from the least precise to the most.
const (
	moduleLevel = iota
	packageLevel
	symbolLevel
)

func (f *finding) level() int {
	switch {
	case f.Trace[0].Function != "":
		return symbolLevel
	case f.Trace[0].Package != "":
		return packageLevel
	}
	return moduleLevel
}

func main() {
	gomod := flag.String("gomod", "go.mod", "the go.mod of the scanned module, for its go directive")
	flag.Parse()
	ours, err := goDirective(*gomod)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulnpolicy:", err)
		os.Exit(2)
	}
	failed, err := run(os.Stdin, os.Stdout, ours, fixGoDirective)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulnpolicy:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// run reads the stream, prints the verdict on each vulnerability and
// reports whether one fails. fixGo returns the go directive of a module
// version.
func run(in io.Reader, out io.Writer, ours string, fixGo func(module, version string) (string, error)) (bool, error) {
	summaries := map[string]string{}
	// The most precise finding per vulnerability and module: govulncheck
	// reports each at every level it reaches.
	best := map[[2]string]*finding{}
	goVersion := ""
	dec := json.NewDecoder(bufio.NewReader(in))
	for {
		var m message
		err := dec.Decode(&m)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return false, fmt.Errorf("reading govulncheck's JSON: %w", err)
		}
		switch {
		case m.Config != nil:
			goVersion = m.Config.GoVersion
			fmt.Fprintf(out, "govulncheck with %s, database %s\n", m.Config.GoVersion, m.Config.DB)
		case m.OSV != nil:
			summaries[m.OSV.ID] = m.OSV.Summary
		case m.Finding != nil && len(m.Finding.Trace) > 0:
			k := [2]string{m.Finding.OSV, m.Finding.Trace[0].Module}
			if prev := best[k]; prev == nil || m.Finding.level() > prev.level() {
				best[k] = m.Finding
			}
		}
	}

	keys := make([][2]string, 0, len(best))
	for k := range best {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := best[keys[i]], best[keys[j]]
		if a.level() != b.level() {
			return a.level() > b.level()
		}
		if keys[i][1] != keys[j][1] {
			return keys[i][1] < keys[j][1]
		}
		return keys[i][0] < keys[j][0]
	})
	fails, stdlib := 0, 0
	for _, k := range keys {
		f := best[k]
		fail, verdict := judge(f, ours, goVersion, fixGo)
		mark := "report"
		if fail {
			mark = "FAIL  "
			fails++
		}
		if m := f.Trace[0].Module; m == "stdlib" || m == "toolchain" {
			stdlib++
		}
		fmt.Fprintf(out, "%s %s %s: %s\n       %s\n", mark, f.OSV, where(f), summaries[f.OSV], verdict)
	}
	fmt.Fprintf(out, "%d findings: %d fail, %d in the standard library, %d in dependencies that do not fail\n",
		len(keys), fails, stdlib, len(keys)-fails-stdlib)
	return fails > 0, nil
}

// judge says whether f fails CI, and why in a sentence.
func judge(f *finding, ours, goVersion string, fixGo func(module, version string) (string, error)) (bool, string) {
	top := f.Trace[0]
	if top.Module == "stdlib" || top.Module == "toolchain" {
		return false, fmt.Sprintf("in the standard library of %s (fixed in %s): the toolchain's, not this module's", goVersion, goName(f.FixedVersion))
	}
	switch f.level() {
	case symbolLevel:
		if f.FixedVersion == "" {
			return true, "reachable from our code; no fixed version yet: stop calling it"
		}
		return true, fmt.Sprintf("reachable from our code; fixed in %s@%s", top.Module, f.FixedVersion)
	case packageLevel:
		if f.FixedVersion == "" {
			return false, "imported, not called; no fixed version yet"
		}
		theirs, err := fixGo(top.Module, f.FixedVersion)
		if err != nil {
			return true, fmt.Sprintf("imported; fixed in %s@%s (its go directive unknown: %v)", top.Module, f.FixedVersion, err)
		}
		if version.Compare("go"+theirs, "go"+ours) > 0 {
			return false, fmt.Sprintf("imported, not called; the fix, %s@%s, needs go %s and this module states go %s", top.Module, f.FixedVersion, theirs, ours)
		}
		return true, fmt.Sprintf("imported; raise %s to %s (go %s)", top.Module, f.FixedVersion, theirs)
	}
	return false, fmt.Sprintf("required, but no vulnerable package is imported (fixed in %s@%s)", top.Module, f.FixedVersion)
}

// where names what a finding is in: the symbol and the call that reaches
// it, the package, or the module.
func where(f *finding) string {
	top := f.Trace[0]
	at := top.Module + "@" + top.Version
	if top.Module == "stdlib" {
		at = goName(top.Version)
	}
	switch f.level() {
	case symbolLevel:
		sym := top.Function
		if top.Receiver != "" {
			sym = strings.TrimPrefix(top.Receiver, "*") + "." + sym
		}
		s := fmt.Sprintf("%s.%s (%s)", top.Package, sym, at)
		if last := f.Trace[len(f.Trace)-1]; last.Position != nil && len(f.Trace) > 1 {
			s += fmt.Sprintf(", reached from %s:%d", last.Position.Filename, last.Position.Line)
		}
		return s
	case packageLevel:
		return fmt.Sprintf("%s (%s)", top.Package, at)
	}
	return at
}

// goName spells a standard-library version ("v1.26.9") as Go does ("go1.26.9").
func goName(v string) string {
	if v == "" {
		return "no release yet"
	}
	return "go" + strings.TrimPrefix(v, "v")
}

// goDirective returns the version of the go line of the go.mod file at path.
func goDirective(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return parseGoLine(path, b)
}

func parseGoLine(name string, gomod []byte) (string, error) {
	for _, line := range strings.Split(string(gomod), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "go" {
			return f[1], nil
		}
	}
	return "", fmt.Errorf("%s has no go directive", name)
}

// fixGoDirective reads the go directive of module@version through the
// module proxy (go mod download).
func fixGoDirective(module, version string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", module+"@"+version).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", module, version, err)
	}
	var info struct{ GoMod, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", err
	}
	if info.Error != "" {
		return "", errors.New(info.Error)
	}
	b, err := os.ReadFile(info.GoMod)
	if err != nil {
		return "", err
	}
	v, err := parseGoLine(module+"@"+version, b)
	if err != nil {
		// A go.mod without a go line is read as go 1.16.
		return "1.16", nil
	}
	return v, nil
}
