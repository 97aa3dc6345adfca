package fleet_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/runnerfleet/runnerfleet"

// purePackages must not touch files, processes, the network, git, Terraform or AWS: they turn
// a spec into diagnostics and bytes, and everything else is done by their callers.
var purePackages = []string{module + "/internal/fleet", module + "/render", module + "/internal/report"}

// forbiddenStd may not be imported directly by any package of this module that a pure package
// depends on. (The standard library itself imports os, for fmt and time, so transitive standard
// imports are not checked.)
var forbiddenStd = []string{"os", "os/exec", "net", "net/http"}

// forbiddenPrefixes may not appear anywhere among a pure package's dependencies.
var forbiddenPrefixes = []string{"github.com/go-git/", "github.com/hashicorp/terraform-exec/", "github.com/aws/"}

type listedPackage struct {
	ImportPath string
	Standard   bool
	Imports    []string
	Module     *struct{ Path string }
	Error      *struct{ Err string }
}

func TestPurity(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	for _, root := range purePackages {
		t.Run(strings.TrimPrefix(root, module+"/"), func(t *testing.T) {
			pkgs := goListDeps(t, root)
			if pkgs == nil {
				t.Skipf("%s does not exist (yet)", root)
			}
			for _, p := range pkgs {
				for _, problem := range impurities(p) {
					t.Errorf("%s is not pure: %s", root, problem)
				}
			}
		})
	}
}

// impurities lists what p brings in that a pure package must not have.
func impurities(p listedPackage) []string {
	var out []string
	if !p.Standard && forbiddenPath(p.ImportPath) {
		out = append(out, "it depends on "+p.ImportPath)
	}
	if p.Module == nil || p.Module.Path != module {
		return out
	}
	for _, imp := range p.Imports {
		for _, f := range forbiddenStd {
			if imp == f {
				out = append(out, p.ImportPath+" imports "+imp)
			}
		}
	}
	return out
}

func forbiddenPath(path string) bool {
	for _, f := range forbiddenPrefixes {
		if strings.HasPrefix(path, f) || path == strings.TrimSuffix(f, "/") {
			return true
		}
	}
	return false
}

// goListDeps runs go list -deps -json on root; nil when root is not a package of the module.
func goListDeps(t *testing.T, root string) []listedPackage {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command("go", "list", "-e", "-deps", "-json", root)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && missing(stderr.String()) {
		return nil
	} else if err != nil {
		t.Fatalf("go list %s: %v\n%s", root, err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("go list %s: %v", root, err)
		}
		if p.ImportPath == root && p.Error != nil {
			if missing(p.Error.Err) {
				return nil
			}
			t.Fatalf("go list %s: %s", root, p.Error.Err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// missing reports whether go list's error says the package does not exist.
func missing(msg string) bool {
	for _, m := range []string{"no required module provides package", "directory not found", "no Go files", "cannot find"} {
		if strings.Contains(msg, m) {
			return true
		}
	}
	return false
}
