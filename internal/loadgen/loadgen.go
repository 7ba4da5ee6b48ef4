// Package loadgen offers work at a fixed rate whatever the system under test
// does (an open loop) and summarises latencies measured from each request's
// intended start, so queueing is never hidden (no coordinated omission). The
// ledger's and the HTTP load tests use it.
package loadgen

import (
	"context"
	"math"
	"math/rand/v2"
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

// A Schedule gives the intended start of request i as an offset from the
// run's start; it is called with i = 0, 1, 2, … in order.
type Schedule func(i int) time.Duration

// Fixed spaces requests evenly at rate per second.
func Fixed(rate float64) Schedule {
	return func(i int) time.Duration { return time.Duration(float64(i) / rate * float64(time.Second)) }
}

// Poisson draws exponential gaps with mean 1/rate (a Poisson arrival process),
// reproducibly from seed.
func Poisson(rate float64, seed uint64) Schedule {
	rng := rand.New(rand.NewPCG(seed, 7))
	var at time.Duration
	return func(int) time.Duration {
		at += time.Duration(rng.ExpFloat64() / rate * float64(time.Second))
		return at
	}
}

// Sample is one successful request: when it was meant to start (offset from
// the run's start) and how long after that it finished.
type Sample struct {
	At, Latency time.Duration
}

// Result is what an open-loop run measured.
type Result struct {
	Offered     int           // requests started
	Dropped     int           // not started: MaxInFlight were outstanding
	Errors      int           // requests whose fn failed
	FirstErrors []string      // the first five failures
	Samples     []Sample      // the successful requests, in completion order
	Elapsed     time.Duration // from the run's start to the last completion
}

// Latencies returns the samples' latencies.
func (r Result) Latencies() []time.Duration {
	out := make([]time.Duration, len(r.Samples))
	for i, s := range r.Samples {
		out[i] = s.Latency
	}
	return out
}

// OpenLoop starts fn(ctx, i) at the times sched gives, for as long as they fall
// within duration, each in its own goroutine, without waiting for earlier
// calls; a call that would exceed maxInFlight (0: no limit) outstanding calls
// is dropped and counted. progress, if not nil, is called about once a second
// with the requests started so far.
func OpenLoop(ctx context.Context, sched Schedule, duration time.Duration, maxInFlight int,
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
		at := sched(i)
		if at >= duration || ctx.Err() != nil {
			break
		}
		if d := time.Until(start.Add(at)); d > 0 {
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
		go func(i int, at time.Duration) {
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
				if len(res.FirstErrors) < 5 {
					res.FirstErrors = append(res.FirstErrors, err.Error())
				}
				return
			}
			res.Samples = append(res.Samples, Sample{At: at, Latency: done.Sub(start.Add(at))})
		}(i, at)
	}
	wg.Wait()
	if last := time.Unix(0, lastDone.Load()); last.After(start) {
		res.Elapsed = last.Sub(start)
	}
	return res
}
