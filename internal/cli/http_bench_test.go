package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestBenchHTTPOffersThePathsAndCountsFailures(t *testing.T) {
	var hits, missing atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/missing" {
			missing.Add(1)
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	paths := filepath.Join(t.TempDir(), "paths.txt")
	if err := os.WriteFile(paths, []byte("/a?q=x\n\n/b\n/missing\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "", "bench", "http", "--url", srv.URL, "--paths", paths, "--rate", "300", "--duration", "1s", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep httpBenchReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v in %q", err, out)
	}
	if rep.Offered != 300 || int(hits.Load()) != 300 || rep.Paths != 3 {
		t.Fatalf("offered %d, server saw %d, paths %d; want 300, 300, 3", rep.Offered, hits.Load(), rep.Paths)
	}
	if rep.Errors != int(missing.Load()) || rep.Errors != 100 || rep.Accepted != 200 || !strings.Contains(rep.FirstError, "404") {
		t.Fatalf("errors %d (first %q), accepted %d; want the 100 requests of /missing failed", rep.Errors, rep.FirstError, rep.Accepted)
	}
}

func TestBenchHTTPRefusesABadPathsFile(t *testing.T) {
	paths := filepath.Join(t.TempDir(), "paths.txt")
	if err := os.WriteFile(paths, []byte("/ok\nhttp://elsewhere/x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := runCLI(t, "", "bench", "http", "--paths", paths)
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("want an error naming line 2, got %v", err)
	}
}
