package experiment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"inloop/engine"
)

// tinySpec is a selfcal plan of four one-epoch Yin-Yang runs (in the loop
// and transfer at σ_d 0 and 0.3, one seed).
var tinySpec = Spec{Name: "selfcal", Quick: true, Seeds: 1, Epochs: 1}

// tiny keeps the plan's first two runs (in the loop and transfer at σ_d 0)
// and shrinks their hidden layer so a test trains in about a second per run.
func tiny(p Plan) Plan {
	p.Runs = p.Runs[:2]
	for k := range p.Runs {
		p.Runs[k].Config.Hidden = 12
	}
	return p
}

func TestBuildIsDeterministicAndNamesRunDirs(t *testing.T) {
	a, err := Build(Spec{Name: "selfcal", Seeds: 5}, "out")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Build(Spec{Name: "selfcal", Seeds: 5}, "out")
	if !reflect.DeepEqual(a.Runs, b.Runs) {
		t.Fatal("the same spec gave two plans")
	}
	// 6 σ_d × (in the loop, transfer) + 3 σ_d × (τ only, threshold only), 5 seeds each
	if len(a.Runs) != (6*2+3*2)*5 {
		t.Fatalf("%d runs", len(a.Runs))
	}
	seen := map[string]bool{}
	for k, r := range a.Runs {
		if r.Index != k || !strings.HasPrefix(r.Dir, filepath.Join("runs", "")) || seen[r.Dir] {
			t.Fatalf("run %d: index %d dir %q", k, r.Index, r.Dir)
		}
		seen[r.Dir] = true
		if r.Config.ChipSeed != DefaultChipSeed+uint64(r.SeedIndex) || r.Config.Seed != DefaultSeed+uint64(r.SeedIndex) {
			t.Fatalf("run %d: chip seed %d seed %d for seed index %d", k, r.Config.ChipSeed, r.Config.Seed, r.SeedIndex)
		}
		if r.Config.Epochs != 25 {
			t.Fatalf("run %d: %d epochs, want Yin-Yang's 25", k, r.Config.Epochs)
		}
	}
	r := a.Runs[len(a.Runs)-1]
	if r.Config.Detune.Threshold != 0.5 || r.Config.Detune.TauMem != 0 || r.Config.Decalibrate != 0 {
		t.Fatalf("last run %s: detune %+v joint %g", r.Name, r.Config.Detune, r.Config.Decalibrate)
	}
}

func TestNormalizeRefusesBadSpecs(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Name: "nope"}, "unknown experiment \"nope\" (accepted: selfcal, sparsity, latency, robustness, table1)"},
		{Spec{Name: "selfcal", Dataset: "cifar"}, "accepted: yinyang, mnist, fashion-mnist, shd"},
		{Spec{Name: "sparsity", Dataset: "shd"}, "not accepted by sparsity"},
		{Spec{Name: "selfcal", Seeds: -1}, "seeds -1 is not accepted"},
		{Spec{Name: "selfcal", Seeds: MaxSeeds + 1}, "seeds 101"},
		{Spec{Name: "selfcal", Epochs: -3}, "epochs -3"},
		{Spec{Name: "selfcal", Version: 99}, "version 99"},
	} {
		_, err := Normalize(c.s)
		var se *SpecError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want a SpecError with %q", c.s, err, c.want)
		}
	}
}

func TestOpenRefusesAnotherExperiment(t *testing.T) {
	out := t.TempDir()
	if _, err := Open(tinySpec, out); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(tinySpec, out); err != nil {
		t.Fatalf("the same spec again: %v", err)
	}
	other := tinySpec
	other.Seeds = 3
	_, err := Open(other, out)
	if err == nil || !strings.Contains(err.Error(), "holds another experiment (seeds 1, asked 3)") {
		t.Fatalf("another spec: %v", err)
	}
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "notes.txt"), []byte("x"), 0o644)
	if _, err := Open(tinySpec, full); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("a used directory: %v", err)
	}
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "holds no experiment") {
		t.Fatalf("Load of an empty directory: %v", err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, SpecFile), []byte("{"), 0o644)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "not an experiment file") {
		t.Fatalf("Load of a damaged file: %v", err)
	}
}

// results reads every run's result.json bytes.
func results(t *testing.T, p Plan) [][]byte {
	var out [][]byte
	for k := range p.Runs {
		b, err := os.ReadFile(filepath.Join(p.RunDir(k), ResultFile))
		if err != nil {
			t.Fatalf("run %d: %v", k, err)
		}
		out = append(out, b)
	}
	return out
}

// TestSameResultsSerialParallelAndByTask runs a plan three ways: all
// runs with one worker, with two, and task by task from experiment.json
// with an interruption in the middle of a run. The results agree to the
// last digit.
func TestSameResultsSerialParallelAndByTask(t *testing.T) {
	if testing.Short() {
		t.Skip("trains 7 small runs")
	}
	ctx := context.Background()
	serial, err := Open(tinySpec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	serial = tiny(serial)
	if err := serial.RunAll(ctx, 1, Env{}); err != nil {
		t.Fatal(err)
	}
	parallel, _ := Open(tinySpec, t.TempDir())
	parallel = tiny(parallel)
	if err := parallel.RunAll(ctx, 2, Env{}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if _, err := Open(tinySpec, dir); err != nil {
		t.Fatal(err)
	}
	for k := range serial.Runs {
		p, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		p = tiny(p)
		if k == 1 {
			// interrupt run 1 after its first progress report
			cctx, cancel := context.WithCancel(ctx)
			_, err := p.Execute(cctx, k, Env{Progress: func(int, int, int) { cancel() }})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("interrupted run: %v", err)
			}
			if st := p.Status(k); st != Interrupted {
				t.Fatalf("status after the interruption: %v", st)
			}
		}
		if _, err := p.Execute(ctx, k, Env{}); err != nil {
			t.Fatalf("task %d: %v", k, err)
		}
		if st := p.Status(k); st != Done {
			t.Fatalf("status of task %d: %v", k, st)
		}
	}
	byTask, _ := Load(dir)
	byTask = tiny(byTask)
	want := results(t, serial)
	for name, p := range map[string]Plan{"two workers": parallel, "task by task": byTask} {
		for k, b := range results(t, p) {
			if !bytes.Equal(b, want[k]) {
				t.Errorf("%s, run %d:\n%s\nwant\n%s", name, k, b, want[k])
			}
		}
	}

	// collected: table, CSV and figure files
	tab, err := Collect(byTask)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Counts.Done != 2 || len(tab.Rows) != 2 {
		t.Fatalf("collected %+v rows %d", tab.Counts, len(tab.Rows))
	}
	for _, r := range tab.Rows {
		if r.Done != 1 || !(r.Accuracy > 0.3 && r.Accuracy <= 1) {
			t.Errorf("row %+v", r)
		}
	}
	var csv bytes.Buffer
	if err := tab.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(csv.String(), "\n"); n != 3 {
		t.Errorf("CSV has %d lines, want a header and 2 runs:\n%s", n, csv.String())
	}
	base := filepath.Join(dir, "figure")
	if err := WriteFigures(tab, base); err != nil {
		t.Fatal(err)
	}
	png, _ := os.ReadFile(base + ".png")
	svg, _ := os.ReadFile(base + ".svg")
	if !bytes.HasPrefix(png, []byte("\x89PNG")) || !bytes.Contains(svg, []byte("<svg")) || !bytes.Contains(svg, []byte("transfer")) {
		t.Errorf("figure files: png %d bytes, svg %d bytes", len(png), len(svg))
	}
}

func TestExecuteRefusesADirectoryOfAnotherRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a small run")
	}
	p, err := Open(tinySpec, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	p = tiny(p)
	// a software run of another seed where run 0 should be
	cfg := p.Runs[0].Config
	cfg.Mode, cfg.Seed, cfg.RunDir = engine.ModeSoftware, 7, p.RunDir(0)
	tr, err := engine.NewTrainer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr.Start(context.Background())
	if _, err := tr.Wait(); err != nil {
		t.Fatal(err)
	}
	_, err = p.Execute(context.Background(), 0, Env{})
	if err == nil || !strings.Contains(err.Error(), "holds another run") {
		t.Fatalf("got %v", err)
	}
}

func TestMeanSD(t *testing.T) {
	m, sd := MeanSD([]float64{1, 2, 3, 4})
	if m != 2.5 || sd*sd-5.0/3 > 1e-12 || 5.0/3-sd*sd > 1e-12 {
		t.Fatalf("mean %g sd %g", m, sd)
	}
	if m, sd := MeanSD([]float64{7}); m != 7 || sd != 0 {
		t.Fatalf("one value: %g %g", m, sd)
	}
}
