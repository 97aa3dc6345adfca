package gitsource

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/runnerfleet/runnerfleet/internal/testutil/gitserver"
)

// Environment of the helper process the benchmarks start: the test binary itself, which then
// runs one Fetch (see TestMain) so that its wall time and peak RSS can be compared with git's.
const (
	helperURL  = "GITSOURCE_BENCH_URL"
	helperUser = "GITSOURCE_BENCH_USER"
	helperPass = "GITSOURCE_BENCH_PASSWORD"
	helperDir  = "GITSOURCE_BENCH_CACHE"
	helperLast = "GITSOURCE_BENCH_LAST"
)

func TestMain(m *testing.M) {
	if url := os.Getenv(helperURL); url != "" {
		os.Exit(helperFetch(url))
	}
	os.Exit(m.Run())
}

func helperFetch(url string) int {
	src, err := New(Options{URL: url, Ref: "main", CacheDir: os.Getenv(helperDir),
		Auth: Auth{Username: os.Getenv(helperUser), Password: os.Getenv(helperPass)}})
	if err == nil {
		_, err = src.Fetch(context.Background(), Request{LastApplied: os.Getenv(helperLast)})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// runMeasured runs cmd and returns its peak RSS in KiB (its own or its children's, whichever
// is larger: wait4 reports both).
func runMeasured(b *testing.B, cmd *exec.Cmd) int64 {
	b.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
}

func helperCmd(srv *gitserver.Server, name, cache, last string) *exec.Cmd {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), helperURL+"="+srv.URL(name), helperUser+"="+srv.User,
		helperPass+"="+srv.Password, helperDir+"="+cache, helperLast+"="+last)
	return cmd
}

// BenchmarkUnchangedCheck compares the no-op shortcut with `git ls-remote` on one local HTTP
// repository: in process (what `serve` pays), as a process (what a timer run pays), and git.
func BenchmarkUnchangedCheck(b *testing.B) {
	srv := gitserver.NewServer(b)
	r := srv.NewRepo(b, "fleet.git")
	sha := r.Commit(fleet("version: 1\n"), "first")
	for i := range 20 {
		r.Tag(fmt.Sprint("v", i), sha, "")
	}
	b.Run("gitsource-in-process", func(b *testing.B) {
		src, err := New(Options{URL: srv.URL("fleet.git"), Ref: "main",
			Auth: Auth{Username: srv.User, Password: srv.Password}})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if res, err := src.Fetch(context.Background(), Request{LastApplied: sha}); err != nil || !res.Unchanged {
				b.Fatalf("%+v %v", res, err)
			}
		}
	})
	b.Run("gitsource-process", func(b *testing.B) {
		for b.Loop() {
			runMeasured(b, helperCmd(srv, "fleet.git", "", sha))
		}
	})
	b.Run("git-ls-remote", func(b *testing.B) {
		for b.Loop() {
			runMeasured(b, gitserver.GitCmd("", nil, "ls-remote", srv.URLWithAuth("fleet.git"), "refs/heads/main"))
		}
	})
	if n := srv.UploadPackPOSTs(); n > 0 && testing.Verbose() {
		b.Logf("%d upload-pack POSTs (from git ls-remote's protocol v2 ls-refs)", n)
	}
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, ierr := d.Info()
			if ierr == nil {
				n += info.Size()
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkFirstFetchBig compares a first fetch into an empty cache with `git clone --depth
// 1`, both as processes, on a generated history of 10,000 commits and about 50 MB.
func BenchmarkFirstFetchBig(b *testing.B) {
	srv := gitserver.NewServer(b)
	start := time.Now()
	bare := filepath.Join(srv.Root, "big.git")
	gitserver.BigRepo{Commits: 10000, Files: 100, FileSize: 5000}.Generate(b, bare)
	b.Logf("generated 10,000 commits, %.1f MB of objects, in %v",
		float64(dirSize(b, bare))/1e6, time.Since(start).Round(time.Millisecond))
	measure := func(b *testing.B, cmd func(dir string) *exec.Cmd) {
		var peak int64
		var walls, rsss []float64 // each run's wall time (ms) and peak RSS (MiB), for medians
		for b.Loop() {
			start := time.Now()
			rss := runMeasured(b, cmd(filepath.Join(b.TempDir(), "dst")))
			walls = append(walls, float64(time.Since(start))/float64(time.Millisecond))
			rsss = append(rsss, float64(rss)/1024)
			peak = max(peak, rss)
		}
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
		b.ReportMetric(median(walls), "median-ms")
		b.ReportMetric(median(rsss), "median-peak-RSS-MiB")
	}
	b.Run("gitsource", func(b *testing.B) {
		measure(b, func(dir string) *exec.Cmd { return helperCmd(srv, "big.git", dir, "") })
	})
	b.Run("git-clone-depth1", func(b *testing.B) {
		measure(b, func(dir string) *exec.Cmd {
			return gitserver.GitCmd("", nil, "clone", "--quiet", "--bare", "--depth", "1", "--single-branch",
				srv.URLWithAuth("big.git"), dir)
		})
	})
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
