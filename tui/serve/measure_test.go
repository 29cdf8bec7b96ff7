package serve

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"inloop/engine"
	"inloop/tui"
)

// The measurements below run the real app on real Yin-Yang training runs.
// They are slow, so they run only when asked for by environment variable.

func envSeconds(name string, def int) time.Duration {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return time.Duration(def) * time.Second
}

func envCount(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n >= 0 {
		return n
	}
	return def
}

// yinYangTrainer makes real runs: Yin-Yang in the loop on chip seed 1,
// calibrated unless INLOOP_CALIBRATION says otherwise.
func yinYangTrainer(string) (Trainer, error) {
	cfg, err := engine.DefaultConfig("yinyang")
	if err != nil {
		return nil, err
	}
	if c := os.Getenv("INLOOP_CALIBRATION"); c != "" {
		cfg.Calibration = c
	}
	t, err := engine.NewTrainer(cfg)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// TestSSHBandwidth measures the bytes per second one SSH client receives
// while its run trains, at 80×24 and 200×60, for a few frame-rate caps.
//
//	INLOOP_SSH_BW=1 go test ./tui/serve/ -run TestSSHBandwidth -v
func TestSSHBandwidth(t *testing.T) {
	if os.Getenv("INLOOP_SSH_BW") == "" {
		t.Skip("set INLOOP_SSH_BW=1 to measure bytes per second sent to one client (real app, real training)")
	}
	window := envSeconds("INLOOP_SSH_BW_SECONDS", 10)
	fpsList := []int{60, 15}
	if s := os.Getenv("INLOOP_SSH_BW_FPS"); s != "" {
		fpsList = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(f)
			if err != nil {
				t.Fatalf("INLOOP_SSH_BW_FPS=%q: want numbers like 60,15", s)
			}
			fpsList = append(fpsList, n)
		}
	}
	var updateEvery time.Duration
	if s := os.Getenv("INLOOP_SSH_BW_UPDATE_EVERY"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			t.Fatalf("INLOOP_SSH_BW_UPDATE_EVERY=%q: want a duration like 500ms", s)
		}
		updateEvery = d
	}
	for _, fps := range fpsList {
		for _, size := range [][2]int{{80, 24}, {200, 60}} {
			t.Run(fmt.Sprintf("fps%d_%dx%d", fps, size[0], size[1]), func(t *testing.T) {
				ts := startServer(t, func(c *Config) {
					c.FPS = fps
					c.UpdateEvery = updateEvery
					c.App = tui.New
					c.NewTrainer = yinYangTrainer
				})
				tm := openTerm(t, mustDial(t, ts.addr, anonymous()), size[0], size[1])
				tm.waitScreen(t, "your run")
				time.Sleep(3 * time.Second) // first full paint and the run's start
				if keys := os.Getenv("INLOOP_SSH_BW_KEYS"); keys != "" {
					tm.typeKeys(t, keys) // e.g. "\t\t\t" to show the curves
					time.Sleep(time.Second)
				}
				before := tm.bytes()
				time.Sleep(window)
				got := tm.bytes() - before
				rate := float64(got) / window.Seconds() / 1024
				t.Logf("fps cap %d, updates every %s, %dx%d: %d bytes in %s = %.1f KiB/s", fps, updateEvery, size[0], size[1], got, window, rate)
				if os.Getenv("INLOOP_SSH_BW_SHOW") != "" {
					t.Logf("the client's screen at the end:\n%s", tm.screen.String())
				}
			})
		}
	}
}

func (tm *term) bytes() int {
	tm.screen.mu.Lock()
	defer tm.screen.mu.Unlock()
	return tm.screen.bytesSeen
}

// TestSoak holds 20 sessions of the real app for 60 s (own mode: two own
// runs, the rest on the shared run; the CLI's frame and update rates and
// its default soft memory limit): twelve ordinary clients, four that
// announce a 3000×3000 window and then 4294967295×4294967295, and four that
// never read their output (typing tabs, so the app redraws for them; at the
// CLI's rates they may not fill their 2 MiB SSH window within the hold, so
// whether the write timeout ends them is logged, and TestStalledClientEnded
// checks that it does). It checks that the process's RSS (server and
// clients) stays under 200 MB, closes every session (half the ordinary ones
// quit with keys typed behind the q, the rest drop the connection) and
// checks that the sessions' goroutines and memory are released.
//
//	INLOOP_SOAK=1 go test ./tui/serve/ -run TestSoak -v -timeout 5m
func TestSoak(t *testing.T) {
	if os.Getenv("INLOOP_SOAK") == "" {
		t.Skip("set INLOOP_SOAK=1 for the 60 s soak test with 20 sessions")
	}
	const (
		sessions = 20
		maxRSS   = 200 << 20
	)
	oversized := envCount("INLOOP_SOAK_OVERSIZED", 4) // sessions after the ordinary ones
	stalled := envCount("INLOOP_SOAK_STALLED", 4)     // the last sessions
	ordinary := sessions - oversized - stalled
	hold := envSeconds("INLOOP_SOAK_SECONDS", 60)
	writeTimeout := envSeconds("INLOOP_SOAK_WRITE_TIMEOUT", 20)

	// The server's default soft memory limit, as inloop serve sets it.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(DefaultMemoryLimit))
	g0, heap0 := settle()
	rss0 := processRSS(t)
	t.Logf("baseline: %d goroutines, heap %.1f MiB, RSS %.1f MiB", g0, mib(heap0), mib(rss0))

	ts := startServer(t, func(c *Config) {
		c.FPS = 15
		c.UpdateEvery = 500 * time.Millisecond // the CLI's defaults
		c.MaxTrainers = 2
		c.StopTimeout = 20 * time.Second // a real run finishes its batch first
		c.WriteTimeout = writeTimeout
		c.App = tui.New
		c.NewTrainer = yinYangTrainer
	})
	terms := make([]*term, ordinary+oversized)
	clients := make([]*gossh.Client, sessions)
	unread := make([]io.Reader, sessions)
	stalledIn := make([]io.Writer, 0, stalled)
	for i := range clients {
		clients[i] = mustDial(t, ts.addr, anonymous())
		switch {
		case i < ordinary:
			terms[i] = openTerm(t, clients[i], 100, 30)
		case i < ordinary+oversized:
			terms[i] = openBigTerm(t, clients[i], 3000, 3000)
		default:
			var in io.Writer
			_, unread[i], in = openStalledTermTyping(t, clients[i], "")
			stalledIn = append(stalledIn, in)
		}
	}
	for _, tm := range terms {
		tm.waitScreen(t, " run ")
	}
	for _, tm := range terms[ordinary:] {
		if err := tm.sess.WindowChange(4294967295, 4294967295); err != nil {
			t.Fatal(err)
		}
	}
	var peakG int
	var peakHeap, peakRSS uint64
	end := time.Now().Add(hold)
	for i := 0; time.Now().Before(end); i++ {
		time.Sleep(time.Second)
		terms[i%len(terms)].typeKeys(t, "\t") // someone moves the focus now and then
		for _, in := range stalledIn {
			in.Write([]byte("\t")) // redraws that fill the unread window
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peakG = max(peakG, runtime.NumGoroutine())
		peakHeap = max(peakHeap, ms.HeapAlloc)
		peakRSS = max(peakRSS, processRSS(t))
	}
	if path := os.Getenv("INLOOP_SOAK_HELD_HEAP"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	in := 0
	for _, tm := range terms {
		in += tm.bytes()
	}
	t.Logf("held %d sessions (%d oversized, %d stalled) for %s: peak %d goroutines, peak heap %.1f MiB, peak RSS %.1f MiB, clients received %.1f MiB",
		sessions, oversized, stalled, hold, peakG, mib(peakHeap), mib(peakRSS), mib(uint64(in)))
	if peakRSS > maxRSS {
		t.Errorf("peak RSS %.1f MiB, want under %.0f MiB", mib(peakRSS), mib(maxRSS))
	}

	// Half the ordinary users quit with q (typing on a little), the others
	// drop the connection, as OpenSSH does when its window closes.
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i < len(terms) && i%2 == 0 {
				io.WriteString(terms[i].stdin, "qq\tq")
				terms[i].waitEnd(t)
			}
			clients[i].Close()
			if unread[i] != nil {
				io.Copy(io.Discard, unread[i]) // the client's buffer, not the server's
			}
		}()
	}
	wg.Wait()
	waitFor(t, ts, "all sessions logged", func() bool { return strings.Count(ts.log.String(), "session user=") == sessions })
	waitFor(t, ts, "own runs stopped", func() bool { return strings.Count(ts.log.String(), "(stopped)") == 2 })
	t.Logf("server log:\n%s", ts.log.String())
	if n := strings.Count(ts.log.String(), "is larger than"); n != oversized {
		t.Errorf("%d oversized windows logged, want %d", n, oversized)
	}
	t.Logf("%d of %d clients that never read were ended by the write timeout (%s) within the hold", strings.Count(ts.log.String(), `end="stalled:`), stalled, writeTimeout)
	ts.mu.Lock()
	active, live := ts.active, len(ts.sessions)
	ts.mu.Unlock()
	if active != 0 || live != 0 {
		t.Errorf("after closing: %d sessions hold slots, %d registered", active, live)
	}
	gUp, heapUp := settle()
	t.Logf("sessions closed, server up (shared run still training): %d goroutines, heap %.1f MiB", gUp, mib(heapUp))
	if os.Getenv("INLOOP_SOAK_DUMP") != "" {
		var b strings.Builder
		pprof.Lookup("goroutine").WriteTo(&b, 1)
		t.Logf("goroutines with the server up:\n%s", b.String())
	}

	ts.shutdown(t)
	terms, clients, unread = nil, nil, nil // the clients' buffers are not the server's
	var g1 int
	var heap1 uint64
	deadline := time.Now().Add(30 * time.Second)
	for {
		g1, heap1 = settle()
		if g1 <= g0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left after shutdown, baseline %d:\n%s", g1, g0, strings.Join(goroutineStacks(), "\n\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
	if path := os.Getenv("INLOOP_SOAK_HEAP"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.Lookup("heap").WriteTo(f, 0)
			f.Close()
		}
	}
	t.Logf("after shutdown: %d goroutines (baseline %d), heap %.1f MiB (baseline %.1f MiB), RSS %.1f MiB", g1, g0, mib(heap1), mib(heap0), mib(processRSS(t)))
	if heap1 > heap0+8<<20 {
		t.Errorf("heap after shutdown %.1f MiB, baseline %.1f MiB: memory left behind", mib(heap1), mib(heap0))
	}
}

// processRSS is the process's resident set size (VmRSS), in bytes.
func processRSS(t *testing.T) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmRSS in /proc/self/status")
	return 0
}

// settle collects garbage and returns the goroutine count and live heap.
// The goroutine os/signal starts on first use and keeps for the life of the
// process is not counted: it is no session's.
func settle() (int, uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	n := 0
	for _, g := range goroutineStacks() {
		if !strings.Contains(g, "os/signal.loop") {
			n++
		}
	}
	return n, ms.HeapAlloc
}

// goroutineStacks are the stacks of all goroutines, one string each.
func goroutineStacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return strings.Split(strings.TrimSpace(string(buf[:n])), "\n\n")
		}
		buf = make([]byte, 2*len(buf))
	}
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

func waitFor(t *testing.T, ts *testServer, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for: %s; server log:\n%s", what, ts.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
