package experiment

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"inloop/engine"
	"inloop/internal/atomicfile"
)

// Files of an experiment directory and of its runs.
const (
	SpecFile   = "experiment.json"
	ResultFile = "result.json" // in a run directory, written when the run is done
	tempGlob   = ".experiment-*.tmp"
	maxSpec    = 1 << 20
	maxResult  = 16 << 20
)

// Load reads the plan of the experiment directory out.
func Load(out string) (Plan, error) {
	b, err := readBounded(filepath.Join(out, SpecFile), maxSpec)
	if errors.Is(err, fs.ErrNotExist) {
		return Plan{}, &SpecError{fmt.Sprintf("%s holds no experiment (no %s); start one with: inloop experiment NAME --out %s", out, SpecFile, out)}
	}
	if err != nil {
		return Plan{}, err
	}
	var s Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return Plan{}, &SpecError{fmt.Sprintf("%s: not an experiment file: %v", filepath.Join(out, SpecFile), err)}
	}
	return Build(s, out)
}

// Open returns the plan of s in out: a new directory gets experiment.json;
// an existing one must hold the same plan (same normalised Spec), else the
// error is a *SpecError naming the difference.
func Open(s Spec, out string) (Plan, error) {
	p, err := Build(s, out)
	if err != nil {
		return Plan{}, err
	}
	path := filepath.Join(out, SpecFile)
	if _, err := os.Stat(path); err == nil {
		have, err := Load(out)
		if err != nil {
			return Plan{}, err
		}
		if d := differences(have.Spec, p.Spec); d != "" {
			return Plan{}, &SpecError{fmt.Sprintf("%s holds another experiment (%s); choose another --out or repeat its options", out, d)}
		}
		return have, nil
	}
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return Plan{}, &SpecError{fmt.Sprintf("--out %s is a file, not a directory", out)}
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return Plan{}, &SpecError{fmt.Sprintf("--out %s is a directory that is not empty and holds no experiment; choose an empty or new directory", out)}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return Plan{}, err
	}
	b, _ := json.MarshalIndent(p.Spec, "", "  ")
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o644, tempGlob); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// differences names the fields in which two specs differ, "" if none.
func differences(a, b Spec) string {
	var d string
	add := func(name string, x, y any) {
		if x != y {
			if d != "" {
				d += ", "
			}
			d += fmt.Sprintf("%s %v, asked %v", name, x, y)
		}
	}
	add("name", a.Name, b.Name)
	add("dataset", a.Dataset, b.Dataset)
	add("seeds", a.Seeds, b.Seeds)
	add("epochs", a.Epochs, b.Epochs)
	add("quick", a.Quick, b.Quick)
	add("chip seed", a.ChipSeed, b.ChipSeed)
	add("seed", a.Seed, b.Seed)
	return d
}

// Status is where a run stands, read from its directory.
type Status int

const (
	NotStarted  Status = iota // no run files
	Interrupted               // files or a checkpoint, no result yet
	Done                      // trained and measured: result.json
)

func (s Status) String() string {
	return [...]string{"not started", "interrupted", "done"}[s]
}

// Status reads the status of run k.
func (p Plan) Status(k int) Status {
	dir := p.RunDir(k)
	if _, err := os.Stat(filepath.Join(dir, ResultFile)); err == nil {
		return Done
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Interrupted
	}
	return NotStarted
}

// Result is what a done run measured. Every field is a function of the
// plan (no wall-clock times), so results compare to the last digit.
type Result struct {
	Index           int            `json:"index"`
	Name            string         `json:"name"`
	Series          string         `json:"series"`
	X               float64        `json:"x"`
	SeedIndex       int            `json:"seed_index"`
	ChipSeed        uint64         `json:"chip_seed"`
	Seed            uint64         `json:"seed"`
	Epochs          int            `json:"epochs"`
	TrainAccuracy   float64        `json:"train_accuracy"`
	TestAccuracy    float64        `json:"test_accuracy"`
	TestLoss        float64        `json:"test_loss"`
	SpikesPerSample float64        `json:"hidden_spikes_per_sample"`
	Silence         []SilencePoint `json:"silence,omitempty"`
	Latency         *Latency       `json:"latency,omitempty"`
}

// SilencePoint is the test accuracy with a fraction of the hidden neurons
// silenced, mean and SD over random draws.
type SilencePoint struct {
	Fraction float64 `json:"fraction"`
	Mean     float64 `json:"mean"`
	SD       float64 `json:"sd"`
}

// Latency is accuracy against time after the first input (µs) in the
// training readout and in the fast inference mode.
type Latency struct {
	Readout   []engine.TimePoint `json:"readout"`
	Inference []engine.TimePoint `json:"inference"`
}

// ReadResult reads the result of run k; ok false if it has none.
func (p Plan) ReadResult(k int) (Result, bool, error) {
	b, err := readBounded(filepath.Join(p.RunDir(k), ResultFile), maxResult)
	if errors.Is(err, fs.ErrNotExist) {
		return Result{}, false, nil
	}
	if err != nil {
		return Result{}, false, err
	}
	var r Result
	if err := json.Unmarshal(b, &r); err != nil {
		return Result{}, false, fmt.Errorf("%s: damaged result (%v); delete it to measure the run again", filepath.Join(p.RunDir(k), ResultFile), err)
	}
	return r, true, nil
}

func (p Plan) writeResult(k int, r Result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(p.RunDir(k), ResultFile), append(b, '\n'), 0o644, tempGlob)
}

// readBounded reads a file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: more than the %d bytes accepted", path, limit)
	}
	return b, nil
}
