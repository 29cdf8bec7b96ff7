package tui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"inloop/engine"
)

// fired is a command the autopilot sent and the epoch it was sent at.
type fired struct {
	epoch int
	cmd   engine.Command
}

// drive feeds the autopilot four progress events per epoch, one second
// apart, for epochs from..to-1, and returns what it sent.
func drive(a *Autopilot, p engine.ProgressEvent, from, to int, t0 time.Time) ([]fired, time.Time) {
	var out []fired
	now := t0
	for e := from; e < to; e++ {
		for b := 1; b <= 4; b++ {
			p.Epoch, p.Batch = e, b
			for _, c := range a.Progress(p, now) {
				out = append(out, fired{e, c})
			}
			now = now.Add(time.Second)
		}
	}
	return out, now
}

func TestAutopilotScriptLoops(t *testing.T) {
	a := NewAutopilot(AutopilotIdle)
	p := engine.ProgressEvent{ChipSeed: 1, Mode: engine.ModeChip}
	if got := a.Caption(); !strings.Contains(got, "autopilot 1/5") || !strings.Contains(got, "training") {
		t.Fatalf("first caption %q", got)
	}
	got, now := drive(a, p, 0, 57, time.Unix(0, 0))
	want := []fired{
		{0, engine.Command{Kind: engine.CmdPace, Value: "30"}}, // the run was at full speed
		{12, engine.Command{Kind: engine.CmdDecalibrate, Value: "0.3"}},
		{27, engine.Command{Kind: engine.CmdChipSeed, Value: "2"}},
		{42, engine.Command{Kind: engine.CmdMode, Value: "transfer"}},
		{48, engine.Command{Kind: engine.CmdMode, Value: "chip"}},
		{56, engine.Command{Kind: engine.CmdStartOver, Value: "next"}},
	}
	if !slices.Equal(got, want) {
		t.Fatalf("script sent\n%v\nwant\n%v", got, want)
	}
	if c := a.Caption(); !strings.Contains(c, "1/5") || !strings.Contains(c, "fresh weights") {
		t.Fatalf("caption after the start-over %q", c)
	}
	// The start-over counts epochs from 0 again: the script goes round.
	got, _ = drive(a, p, 0, 13, now)
	want = []fired{{12, engine.Command{Kind: engine.CmdDecalibrate, Value: "0.3"}}}
	if !slices.Equal(got, want) {
		t.Fatalf("second round sent %v, want %v", got, want)
	}
	if a.loops != 1 || !strings.Contains(a.Caption(), "σ_d = 0.3") {
		t.Fatalf("loops %d caption %q", a.loops, a.Caption())
	}
}

func TestAutopilotTakeOverAndResume(t *testing.T) {
	a := NewAutopilot(time.Minute)
	p := engine.ProgressEvent{ChipSeed: 4, Pace: 10} // a pace of the user's is kept
	t0 := time.Unix(1000, 0)
	_, now := drive(a, p, 0, 10, t0)
	a.TakeOver(now)
	if c := a.Caption(); !strings.Contains(c, "steered by hand") || !strings.Contains(c, "1m0s") {
		t.Fatalf("caption after a key %q", c)
	}
	// Epochs pass the first scene's end, but the user drives: nothing sent.
	got, _ := drive(a, p, 10, 20, now) // 40 s of progress
	if len(got) != 0 {
		t.Fatalf("sent %v while taken over", got)
	}
	// A second key 30 s later restarts the idle wait.
	a.TakeOver(now.Add(30 * time.Second))
	p.Epoch, p.Paused = 20, true // the user left it paused: no progress follows
	if cmds := a.Progress(p, now.Add(50*time.Second)); len(cmds) != 0 {
		t.Fatalf("resumed 20 s after the last key: %v", cmds)
	}
	if cmds := a.Tick(now.Add(89 * time.Second)); len(cmds) != 0 {
		t.Fatalf("resumed 59 s after the last key: %v", cmds)
	}
	cmds := a.Tick(now.Add(90 * time.Second))
	want := []engine.Command{{Kind: engine.CmdResume}, {Kind: engine.CmdDecalibrate, Value: "0.3"}}
	if !slices.Equal(cmds, want) {
		t.Fatalf("on resuming sent %v, want %v", cmds, want)
	}
	if c := a.Caption(); !strings.Contains(c, "2/5") {
		t.Fatalf("caption after resuming %q", c)
	}
	// The resumed scene lasts its own length from the epoch it began at.
	p.Paused = false
	got, _ = drive(a, p, 20, 36, now.Add(91*time.Second))
	if len(got) != 1 || got[0].epoch != 35 || got[0].cmd != (engine.Command{Kind: engine.CmdChipSeed, Value: "5"}) {
		t.Fatalf("after resuming sent %v, want the die swap to chip seed 5 at epoch 35", got)
	}
}

// The scenes' commands are accepted by the settings table, as a user's
// edits would be.
func TestAutopilotCommandsAreSettingsEdits(t *testing.T) {
	for _, sc := range demoScenes {
		if sc.command == nil {
			continue
		}
		c, _ := sc.command(engine.ProgressEvent{ChipSeed: 9})
		if c.Kind == engine.CmdStartOver {
			continue // the start-over key's command, not a settings row
		}
		found := false
		for _, st := range settings {
			if st.Kind != c.Kind {
				continue
			}
			found = true
			if got, err := st.command(c.Value); err != nil || got != c {
				t.Errorf("%v: the settings row sends %v (%v)", c, got, err)
			}
		}
		if !found {
			t.Errorf("%v: no settings row sends it", c)
		}
	}
}

func TestKeyTakesOverFromAutopilot(t *testing.T) {
	pl := &Pilot{ap: NewAutopilot(AutopilotIdle)}
	m, src := newTestModel(120, 40, 0, Options{Autopilot: pl})
	if out := plain(m); !strings.Contains(out, "autopilot 1/5: training") {
		t.Fatalf("no caption on screen:\n%s", out)
	}
	press(m, "tab")
	if out := plain(m); !strings.Contains(out, "autopilot off: steered by hand") {
		t.Fatalf("no takeover caption after a key:\n%s", out)
	}
	if len(src.sent) != 0 {
		t.Fatalf("a focus key sent %v", src.sent)
	}

	// A read-only viewer sees the caption but never takes over.
	pl = &Pilot{ap: NewAutopilot(AutopilotIdle)}
	m, _ = newTestModel(120, 40, 0, Options{Autopilot: pl, ReadOnly: true, ReadOnlyReason: "watching"})
	press(m, "tab", " ")
	if pl.ap.manual {
		t.Fatal("a read-only viewer took over")
	}
	if out := plain(m); !strings.Contains(out, "autopilot 1/5") {
		t.Fatalf("read-only viewer lost the caption:\n%s", out)
	}
}

// pilotSource is a run the test feeds by hand; sent receives the commands.
type pilotSource struct {
	stream *engine.Stream
	sent   chan engine.Command
}

func (s *pilotSource) Subscribe() *engine.Stream { return s.stream }
func (s *pilotSource) Send(c engine.Command)     { s.sent <- c }

func TestPilotDrivesARun(t *testing.T) {
	src := &pilotSource{stream: engine.NewStream(false, nil), sent: make(chan engine.Command, 16)}
	pl := StartPilot(src, AutopilotIdle)
	// Progress events coalesce in a stream: each is pushed after the
	// pilot answered the one before.
	src.stream.Push(engine.ProgressEvent{Epoch: 0, ChipSeed: 1}) // at full speed
	if c := <-src.sent; c != (engine.Command{Kind: engine.CmdPace, Value: "30"}) {
		t.Fatalf("the pilot sent %v first", c)
	}
	src.stream.Push(engine.ProgressEvent{Epoch: 12, Pace: 30, ChipSeed: 1})
	if c := <-src.sent; c != (engine.Command{Kind: engine.CmdDecalibrate, Value: "0.3"}) {
		t.Fatalf("the pilot sent %v at epoch 12", c)
	}
	if c := pl.Caption(); !strings.Contains(c, "2/5") {
		t.Fatalf("caption %q", c)
	}
	src.stream.Close() // the goroutine ends with the stream
}
