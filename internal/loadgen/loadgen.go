// Package loadgen offers work at a fixed rate whatever the system under test
// does (an open loop) and summarises latencies measured from each request's
// intended start, so queueing is never hidden (no coordinated omission). The
// ledger's and the HTTP load tests use it.
package loadgen

import (
	"context"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Latency is a latency distribution in milliseconds.
type Latency struct {
	P50  float64 `json:"p50_ms"`
	P90  float64 `json:"p90_ms"`
	P99  float64 `json:"p99_ms"`
	P999 float64 `json:"p999_ms"`
	Max  float64 `json:"max_ms"`
}

// Summarize sorts lat and returns its percentiles (nearest rank).
func Summarize(lat []time.Duration) Latency {
	if len(lat) == 0 {
		return Latency{}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) float64 {
		i := int(math.Ceil(p*float64(len(lat)))) - 1
		return float64(lat[max(i, 0)]) / float64(time.Millisecond)
	}
	return Latency{P50: q(0.50), P90: q(0.90), P99: q(0.99), P999: q(0.999), Max: float64(lat[len(lat)-1]) / float64(time.Millisecond)}
}

// Result is what an open-loop run measured.
type Result struct {
	Offered   int             // requests started
	Dropped   int             // not started: MaxInFlight were outstanding
	Errors    int             // requests whose fn failed
	FirstErr  error           // the first failure
	Latencies []time.Duration // of the successful requests, from their intended start
	Elapsed   time.Duration   // from the first intended start to the last completion
}

// OpenLoop calls fn(i) for i = 0, 1, … at rate per second for duration, each
// in its own goroutine, without waiting for earlier calls; a call that would
// exceed maxInFlight outstanding calls is dropped and counted. progress, if
// not nil, is called about once a second with the requests started so far.
func OpenLoop(ctx context.Context, rate float64, duration time.Duration, maxInFlight int,
	fn func(ctx context.Context, i int) error, progress func(started int)) Result {
	var (
		mu       sync.Mutex
		res      Result
		inFlight atomic.Int64
		lastDone atomic.Int64
		wg       sync.WaitGroup
	)
	start := time.Now()
	lastReport := start
	for i := 0; ; i++ {
		next := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		if next.Sub(start) >= duration || ctx.Err() != nil {
			break
		}
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		if progress != nil && time.Since(lastReport) >= time.Second {
			lastReport = time.Now()
			progress(res.Offered)
		}
		if maxInFlight > 0 && inFlight.Load() >= int64(maxInFlight) {
			res.Dropped++
			continue
		}
		res.Offered++
		inFlight.Add(1)
		wg.Add(1)
		go func(i int, intended time.Time) {
			defer wg.Done()
			defer inFlight.Add(-1)
			err := fn(ctx, i)
			done := time.Now()
			for prev := lastDone.Load(); done.UnixNano() > prev && !lastDone.CompareAndSwap(prev, done.UnixNano()); prev = lastDone.Load() {
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				res.Errors++
				if res.FirstErr == nil {
					res.FirstErr = err
				}
				return
			}
			res.Latencies = append(res.Latencies, done.Sub(intended))
		}(i, next)
	}
	wg.Wait()
	if last := time.Unix(0, lastDone.Load()); last.After(start) {
		res.Elapsed = last.Sub(start)
	}
	return res
}
