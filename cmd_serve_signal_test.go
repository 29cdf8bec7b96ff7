package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// SIGTERM with a client that never reads: the server stops and checkpoints
// the shared run, cuts the client and exits 0 within its deadline.
func TestServeSIGTERMWithStalledClient(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	logR, logW := io.Pipe()
	exit := make(chan int, 1)
	go func() {
		exit <- run([]string{"serve", "--public", "--join", "shared", "--listen", "127.0.0.1:0",
			"--host-key", filepath.Join(dir, "key"), "--run-dir", runs, "--epochs", "2000", "--hidden", "16",
			"--fps", "120", "--update-every", "0", "--idle-timeout", "0", "--write-timeout", "0"}, nil, io.Discard, logW)
		logW.Close()
	}()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(logR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var log strings.Builder
	addr := ""
	for addr == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("server ended before listening:\n%s", log.String())
			}
			log.WriteString(l + "\n")
			if m := regexp.MustCompile(`listening on (\S+)`).FindStringSubmatch(l); m != nil {
				addr = m[1]
			}
		case <-time.After(time.Minute):
			t.Fatal("server did not start")
		}
	}
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "stalled", HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Auth: []gossh.AuthMethod{gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm-256color", 150, 400, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	sess.StdoutPipe() // never read
	sess.StdinPipe()  // kept open
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second) // the app draws, the run trains
	start := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var code int
	select {
	case code = <-exit:
	case <-time.After(shutdownTimeout + 10*time.Second):
		t.Fatal("server still running past its shutdown deadline")
	}
	for l := range lines {
		log.WriteString(l + "\n")
	}
	t.Logf("exit %d after %s; log:\n%s", code, time.Since(start).Round(time.Millisecond), log.String())
	if code != 0 {
		t.Fatalf("exit %d after SIGTERM", code)
	}
	cps, _ := filepath.Glob(filepath.Join(runs, "*-shared", "checkpoint.bin"))
	metrics, _ := filepath.Glob(filepath.Join(runs, "*-shared", "metrics.jsonl"))
	if len(cps) != 1 || len(metrics) != 1 {
		t.Fatalf("run files: %v %v", cps, metrics)
	}
	b, _ := os.ReadFile(metrics[0])
	recs := strings.Split(strings.TrimSpace(string(b)), "\n")
	lastBatch, lastCheckpoint := -1, -1
	for i, r := range recs {
		switch {
		case strings.Contains(r, `"kind":"batch"`):
			lastBatch = i
		case strings.Contains(r, `"kind":"checkpoint"`):
			lastCheckpoint = i
		}
	}
	if lastCheckpoint < lastBatch || !strings.Contains(recs[len(recs)-1], `"kind":"done"`) {
		t.Errorf("metrics do not end with a checkpoint after the last batch and done: %q", recs[max(0, len(recs)-3):])
	}
	if !strings.Contains(log.String(), "run shared stopped") || !strings.Contains(log.String(), "stopped\n") {
		t.Errorf("log lacks the run's stop or the server's end")
	}
}
