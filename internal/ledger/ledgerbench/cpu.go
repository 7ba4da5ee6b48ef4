package ledgerbench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/techmarket-org/techmarket/internal/store"
)

// CPU per settlement is what the machine can afford, and unlike latency it
// hardly changes when other programs share the cores. The Go side is this
// process (ledger and load generator together); the PostgreSQL side is the
// server backends serving this process's connections, found by matching their
// client ports to our sockets. Shared server work (WAL writer, checkpointer) is
// not counted, so the PostgreSQL figure is a lower bound.

// cpuSample is a reading of both sides' CPU time.
type cpuSample struct {
	goCPU time.Duration
	pg    map[int]time.Duration // backend pid → CPU time
}

func sampleCPU(ctx context.Context, db *store.DB) cpuSample {
	s := cpuSample{goCPU: processCPU()}
	if db.Dialect() == store.Postgres {
		s.pg = backendCPU(ctx, db)
	}
	return s
}

// cpuBetween returns Go and PostgreSQL CPU seconds spent from a to b. A backend
// that appeared in between counts from zero.
func cpuBetween(a, b cpuSample) (goSec, pgSec float64) {
	goSec = (b.goCPU - a.goCPU).Seconds()
	for pid, t := range b.pg {
		pgSec += (t - a.pg[pid]).Seconds()
	}
	return goSec, pgSec
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// backendCPU reads /proc/<pid>/stat of the PostgreSQL backends connected to
// this process. It returns nil where that is impossible (remote server, no /proc).
func backendCPU(ctx context.Context, db *store.DB) map[int]time.Duration {
	ports := ownTCPPorts()
	if len(ports) == 0 {
		return nil
	}
	rows, err := db.Query(ctx, `SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var pid, port int
		if rows.Scan(&pid, &port) != nil || !ports[port] {
			continue
		}
		if t, ok := procCPU(pid); ok {
			out[pid] = t
		}
	}
	return out
}

// clockTick is USER_HZ, 100 on every Linux platform Go supports.
const clockTick = 10 * time.Millisecond

func procCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// The command name may contain spaces; fields are counted after its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 { // utime and stime are fields 14 and 15 of the whole line
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(ut+st) * clockTick, true
}

// ownTCPPorts lists the local ports of this process's TCP sockets.
func ownTCPPorts() map[int]bool {
	fds, err := filepath.Glob("/proc/self/fd/*")
	if err != nil {
		return nil
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		l, err := os.Readlink(fd)
		if err == nil && strings.HasPrefix(l, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(l, "socket:["), "]")] = true
		}
	}
	ports := map[int]bool{}
	for _, name := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 10 || !inodes[fields[9]] {
				continue
			}
			local := fields[1]
			if j := strings.LastIndexByte(local, ':'); j >= 0 {
				if p, err := strconv.ParseInt(local[j+1:], 16, 32); err == nil {
					ports[int(p)] = true
				}
			}
		}
		f.Close()
	}
	return ports
}
