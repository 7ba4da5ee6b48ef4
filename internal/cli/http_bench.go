package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/techmarket-org/techmarket/internal/loadgen"
)

func init() {
	addCommand(func(*cobra.Command) { benchCmd.AddCommand(newBenchHTTPCmd()) })
}

// httpBenchReport is what `bench http --json` prints.
type httpBenchReport struct {
	URL         string          `json:"url"`
	Paths       int             `json:"paths"`
	OfferedRate float64         `json:"offered_per_s"`
	Offered     int             `json:"offered"`
	Dropped     int             `json:"dropped"`
	Errors      int             `json:"errors"`
	FirstError  string          `json:"first_error,omitempty"`
	Accepted    int             `json:"accepted"`
	AcceptedPS  float64         `json:"accepted_per_s"`
	Latency     loadgen.Latency `json:"latency"`
}

func newBenchHTTPCmd() *cobra.Command {
	var base, pathsFile string
	var rate float64
	var duration time.Duration
	var maxInFlight, conns int
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "http",
		Short: "Offer GET requests to a running server at a fixed rate and report latency",
		Long: `An open-loop HTTP load test: requests for the paths in --paths (one per line, taken in turn) are
started at --rate per second for --duration whether or not earlier ones have answered, and each
latency is measured from the request's intended start, so queueing in the server shows (wrk keeps a
fixed number of connections busy instead and hides it). Use it at a fraction of the throughput wrk
reaches at saturation, e.g. 70 %. A non-2xx answer counts as an error. Progress goes to stderr.`,
		Example: `  techmarket bench http --url http://127.0.0.1:8080 --paths search-paths.txt --rate 700 --duration 30s`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rate <= 0 {
				return fmt.Errorf("--rate must be positive")
			}
			paths, err := readPaths(pathsFile)
			if err != nil {
				return err
			}
			base = strings.TrimRight(base, "/")
			client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
				MaxConnsPerHost: conns, MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute}}
			get := func(ctx context.Context, i int) error {
				req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+paths[i%len(paths)], nil)
				if err != nil {
					return err
				}
				resp, err := client.Do(req)
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				if _, err := io.Copy(io.Discard, resp.Body); err != nil {
					return err
				}
				if resp.StatusCode/100 != 2 {
					return fmt.Errorf("GET %s: %s", paths[i%len(paths)], resp.Status)
				}
				return nil
			}
			errOut := cmd.ErrOrStderr()
			res := loadgen.OpenLoop(cmd.Context(), loadgen.Fixed(rate), duration, maxInFlight, get, func(started int) {
				fmt.Fprintf(errOut, "\r%d requests started", started)
			})
			fmt.Fprintln(errOut)
			rep := httpBenchReport{URL: base, Paths: len(paths), OfferedRate: float64(res.Offered+res.Dropped) / duration.Seconds(),
				Offered: res.Offered, Dropped: res.Dropped, Errors: res.Errors, Accepted: len(res.Samples),
				Latency: loadgen.Summarize(res.Latencies())}
			if len(res.FirstErrors) > 0 {
				rep.FirstError = res.FirstErrors[0]
			}
			if res.Elapsed > 0 {
				rep.AcceptedPS = float64(rep.Accepted) / res.Elapsed.Seconds()
			}
			out := cmd.OutOrStdout()
			if asJSON {
				return json.NewEncoder(out).Encode(rep)
			}
			l := rep.Latency
			fmt.Fprintf(out, "offered %.0f/s, answered %.0f/s (%d dropped, %d errors)\n", rep.OfferedRate, rep.AcceptedPS, rep.Dropped, rep.Errors)
			fmt.Fprintf(out, "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", l.P50, l.P90, l.P99, l.P999, l.Max)
			if rep.FirstError != "" {
				fmt.Fprintf(out, "first error: %s\n", rep.FirstError)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&base, "url", "http://127.0.0.1:8080", "server base URL")
	cmd.Flags().StringVar(&pathsFile, "paths", "", "file of request paths, one per line (required)")
	cmd.Flags().Float64Var(&rate, "rate", 100, "requests offered per second")
	cmd.Flags().DurationVar(&duration, "duration", 20*time.Second, "how long to offer load")
	cmd.Flags().IntVar(&conns, "connections", 8, "connections to the server at most (as a proxy's pool would hold); requests wait for a free one, and the wait counts in their latency")
	cmd.Flags().IntVar(&maxInFlight, "max-in-flight", 1000, "requests outstanding beyond this are dropped and counted")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	_ = cmd.MarkFlagRequired("paths")
	return cmd
}

// readPaths reads non-empty lines; each must be a path starting with "/".
func readPaths(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("--paths: %w", err)
	}
	defer f.Close()
	var paths []string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "/") {
			return nil, fmt.Errorf("--paths %s line %d: %q is not a path starting with /", name, n, line)
		}
		paths = append(paths, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--paths: %w", err)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("--paths %s: no paths", name)
	}
	return paths, nil
}
