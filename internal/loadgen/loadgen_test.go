package loadgen

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestOpenLoopOffersAtTheRateAndMeasuresFromIntendedStart(t *testing.T) {
	var calls atomic.Int64
	res := OpenLoop(context.Background(), Fixed(200), 500*time.Millisecond, 0, func(context.Context, int) error {
		calls.Add(1)
		time.Sleep(20 * time.Millisecond)
		return nil
	}, nil)
	if res.Offered != 100 || int(calls.Load()) != 100 || len(res.Samples) != 100 || res.Dropped != 0 || res.Errors != 0 {
		t.Fatalf("offered %d, calls %d, measured %d, dropped %d, errors %d; want 100 each and none dropped",
			res.Offered, calls.Load(), len(res.Samples), res.Dropped, res.Errors)
	}
	// Calls overlap (open loop): 100 calls of 20 ms finish in about 0.5 s, not 2 s.
	if res.Elapsed > 1500*time.Millisecond {
		t.Fatalf("elapsed %v: calls waited for each other", res.Elapsed)
	}
	if l := Summarize(res.Latencies()); l.P50 < 20 || l.Max < l.P99 || l.P99 < l.P50 {
		t.Fatalf("latency %+v: every call took at least 20 ms", l)
	}
}

func TestOpenLoopDropsBeyondMaxInFlightAndCountsErrors(t *testing.T) {
	release := make(chan struct{})
	res := make(chan Result)
	go func() {
		res <- OpenLoop(context.Background(), Fixed(1000), 100*time.Millisecond, 5, func(_ context.Context, i int) error {
			<-release
			if i%2 == 0 {
				return errors.New("even")
			}
			return nil
		}, nil)
	}()
	time.Sleep(300 * time.Millisecond)
	close(release)
	r := <-res
	if r.Offered != 5 || r.Dropped != 95 {
		t.Fatalf("offered %d, dropped %d; want 5 started (the cap) and 95 dropped", r.Offered, r.Dropped)
	}
	if r.Errors != 3 || len(r.Samples) != 2 || len(r.FirstErrors) != 3 {
		t.Fatalf("errors %d (first %v), measured %d; want 3 failed and 2 measured", r.Errors, r.FirstErrors, len(r.Samples))
	}
}

func TestSummarizeNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 100; i >= 1; i-- {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	l := Summarize(lat)
	if l.P50 != 50 || l.P90 != 90 || l.P99 != 99 || l.P999 != 100 || l.Max != 100 {
		t.Fatalf("%+v", l)
	}
	if (Summarize(nil) != Latency{}) {
		t.Fatal("empty input must give zeros")
	}
}
