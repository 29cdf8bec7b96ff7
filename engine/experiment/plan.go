package experiment

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"inloop/engine"
	"inloop/hw"
)

// specVersion changes whenever Build would turn the same Spec into another
// plan; an experiment.json of another version is refused.
const specVersion = 1

// Spec is everything that defines a plan; it is what experiment.json holds.
// Zero fields take the experiment's defaults (Normalize).
type Spec struct {
	Version  int    `json:"version"`
	Name     string `json:"name"`
	Dataset  string `json:"dataset"`
	Seeds    int    `json:"seeds"`
	Epochs   int    `json:"epochs"`
	Quick    bool   `json:"quick"`
	ChipSeed uint64 `json:"chip_seed"` // the die of seed 0; seed k runs on ChipSeed+k
	Seed     uint64 `json:"seed"`      // the training seed of seed 0; seed k uses Seed+k
}

// Limits on what a Spec may ask for.
const (
	MaxSeeds  = 100
	MaxEpochs = 100000
)

// DefaultChipSeed and DefaultSeed are the first die and training seed of an
// experiment: ones the project's recipes were never tuned on (they were
// tuned on chip seeds and seeds 1 to 4).
const (
	DefaultChipSeed = 101
	DefaultSeed     = 101
)

// Run is one training run of a plan and what is measured after it.
type Run struct {
	Index     int           `json:"index"`
	Name      string        `json:"name"`   // short, unique within the plan
	Dir       string        `json:"dir"`    // run directory, relative to the experiment's
	Series    string        `json:"series"` // the curve or table row it belongs to
	X         float64       `json:"x"`      // the swept value (σ_d, ρ_b, …; 0 if none)
	SeedIndex int           `json:"seed_index"`
	Config    engine.Config `json:"config"`
	Measure   Measure       `json:"measure"`
}

// Measure is what is measured on a trained run besides its last evaluation.
type Measure struct {
	Silence []float64 `json:"silence,omitempty"` // fractions of hidden neurons silenced
	Draws   int       `json:"draws,omitempty"`   // random draws per fraction
	Latency bool      `json:"latency,omitempty"` // accuracy against time after the first input
}

// Plan is a Spec turned into its runs.
type Plan struct {
	Spec Spec
	Out  string // the experiment directory
	Runs []Run
	def  *definition
}

// Axis labels of the experiment's table and figure.
func (p Plan) XLabel() string { return p.def.xLabel }
func (p Plan) Title() string  { return p.def.title }

// RunDir is the directory of run k.
func (p Plan) RunDir(k int) string { return filepath.Join(p.Out, p.Runs[k].Dir) }

// definition is one built-in experiment.
type definition struct {
	name, title, about string
	datasets           []string // accepted datasets, the default first
	xLabel             string
	// epochs is the default number of epochs (full, quick) of a dataset.
	epochs func(dataset string, quick bool) int
	// runs lists the plan's runs (Index, Dir and Name filled in by Build).
	runs func(s Spec) ([]Run, error)
}

var definitions = []*definition{
	{
		name: "selfcal", title: "Self-calibration (Fig. 4B): test accuracy against decalibration σ_d",
		about:    "in the loop against transfer across σ_d, joint and per parameter",
		datasets: []string{"yinyang", "mnist", "fashion-mnist", "shd"}, xLabel: "σ_d",
		epochs: defaultEpochs, runs: selfcalRuns,
	},
	{
		name: "sparsity", title: "Sparsity (Fig. 3E): test accuracy against hidden spikes per sample over ρ_b",
		about:    "accuracy against hidden spikes per image over a range of ρ_b",
		datasets: []string{"mnist", "fashion-mnist", "yinyang"}, xLabel: "ρ_b",
		epochs: defaultEpochs, runs: sparsityRuns,
	},
	{
		name: "latency", title: "Latency (Fig. 3C): test accuracy against time after the first input",
		about:    "accuracy against time after the first input, in both readouts",
		datasets: []string{"mnist", "fashion-mnist", "yinyang"}, xLabel: "time after first input (µs)",
		epochs: defaultEpochs, runs: latencyRuns,
	},
	{
		name: "robustness", title: "Robustness (Fig. 4C): test accuracy against the fraction of hidden neurons silenced",
		about:    "silenced fraction against accuracy, trained with and without 40 % dropout",
		datasets: []string{"mnist", "fashion-mnist", "yinyang"}, xLabel: "silenced fraction",
		epochs: defaultEpochs, runs: robustnessRuns,
	},
	{
		name: "table1", title: "Table 1: test accuracy per mode and recipe, mean ± SD over seeds",
		about:    "each mode and recipe of a dataset as mean ± SD over seeds",
		datasets: []string{"mnist", "fashion-mnist", "shd", "yinyang"}, xLabel: "",
		epochs: defaultEpochs, runs: table1Runs,
	},
}

// Names lists the built-in experiments.
func Names() []string {
	n := make([]string, len(definitions))
	for i, d := range definitions {
		n[i] = d.name
	}
	return n
}

// About describes each experiment in one line, for usage texts.
func About() string {
	var b strings.Builder
	for _, d := range definitions {
		fmt.Fprintf(&b, "  %-11s %s (datasets: %s)\n", d.name, d.about, strings.Join(d.datasets, ", "))
	}
	return b.String()
}

func lookup(name string) (*definition, error) {
	for _, d := range definitions {
		if d.name == name {
			return d, nil
		}
	}
	return nil, &SpecError{fmt.Sprintf("unknown experiment %q (accepted: %s)", name, strings.Join(Names(), ", "))}
}

// SpecError is a Spec that cannot be planned, or an experiment directory
// that holds another plan.
type SpecError struct{ Fault string }

func (e *SpecError) Error() string { return e.Fault }

// Normalize fills the zero fields of s with the experiment's defaults and
// checks the rest; the error is a *SpecError saying what is accepted.
func Normalize(s Spec) (Spec, error) {
	d, err := lookup(s.Name)
	if err != nil {
		return s, err
	}
	if s.Version == 0 {
		s.Version = specVersion
	}
	if s.Version != specVersion {
		return s, &SpecError{fmt.Sprintf("experiment version %d (this inloop plans version %d)", s.Version, specVersion)}
	}
	if s.Dataset == "" {
		s.Dataset = d.datasets[0]
	}
	if !slices.Contains(d.datasets, s.Dataset) {
		return s, &SpecError{fmt.Sprintf("dataset %q is not accepted by %s (accepted: %s)", s.Dataset, d.name, strings.Join(d.datasets, ", "))}
	}
	if s.Seeds == 0 {
		s.Seeds = 5
		if s.Quick {
			s.Seeds = 2
		}
	}
	if s.Seeds < 1 || s.Seeds > MaxSeeds {
		return s, &SpecError{fmt.Sprintf("seeds %d is not accepted (accepted: 1 to %d)", s.Seeds, MaxSeeds)}
	}
	if s.Epochs == 0 {
		s.Epochs = d.epochs(s.Dataset, s.Quick)
	}
	if s.Epochs < 1 || s.Epochs > MaxEpochs {
		return s, &SpecError{fmt.Sprintf("epochs %d is not accepted (accepted: 1 to %d)", s.Epochs, MaxEpochs)}
	}
	if s.ChipSeed == 0 {
		s.ChipSeed = DefaultChipSeed
	}
	if s.Seed == 0 {
		s.Seed = DefaultSeed
	}
	if s.ChipSeed > 1<<62 || s.Seed > 1<<62 {
		return s, &SpecError{"seeds above 2^62 are not accepted"}
	}
	return s, nil
}

// Build turns s (normalised first) into the plan of the experiment
// directory out.
func Build(s Spec, out string) (Plan, error) {
	s, err := Normalize(s)
	if err != nil {
		return Plan{}, err
	}
	d, _ := lookup(s.Name)
	runs, err := d.runs(s)
	if err != nil {
		return Plan{}, err
	}
	for k := range runs {
		r := &runs[k]
		r.Index = k
		r.Dir = filepath.Join("runs", fmt.Sprintf("%03d-%s", k, r.Name))
		r.Config.Epochs = s.Epochs
	}
	return Plan{Spec: s, Out: out, Runs: runs, def: d}, nil
}

// defaultEpochs are the runs' lengths: the dataset's own recipe for
// Yin-Yang (25), 30 epochs of the image datasets (RESULTS.md: MNIST reaches
// the paper's accuracy from about epoch 30) and SHD; quick plans train 5
// Yin-Yang epochs or 1 of the others.
func defaultEpochs(dataset string, quick bool) int {
	switch {
	case dataset == "yinyang" && quick:
		return 5
	case dataset == "yinyang":
		return 25
	case quick:
		return 1
	}
	return 30
}

// base is the configuration of seed k of s: the dataset's recipe on die
// ChipSeed+k with seeds Seed+k (weights, data order, dropout, decalibration
// draw) and the chip's temporal noise.
func base(s Spec, k int) (engine.Config, error) {
	c, err := engine.DefaultConfig(s.Dataset)
	if err != nil {
		return c, &SpecError{err.Error()}
	}
	c.ChipSeed = s.ChipSeed + uint64(k)
	c.Seed = s.Seed + uint64(k)
	c.NoiseSeed = s.Seed + uint64(k)
	c.DecalibrateSeed = s.Seed + uint64(k)
	return c, nil
}

// forSeeds adds one run per seed for each of the configurations make gives.
func forSeeds(s Spec, runs []Run, series string, x float64, name string, make func(c *engine.Config), m Measure) ([]Run, error) {
	for k := range s.Seeds {
		c, err := base(s, k)
		if err != nil {
			return nil, err
		}
		make(&c)
		runs = append(runs, Run{Name: fmt.Sprintf("%s-s%d", name, k), Series: series, X: x, SeedIndex: k, Config: c, Measure: m})
	}
	return runs, nil
}

func num(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// selfcalRuns: for each σ_d, in the loop and transfer with all three
// targets detuned jointly, and in the loop with time constants only and
// thresholds only (paper Fig. 4B).
func selfcalRuns(s Spec) ([]Run, error) {
	sigmas := []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5}
	apart := []float64{0.1, 0.3, 0.5}
	if s.Quick {
		sigmas, apart = []float64{0, 0.3}, nil
	}
	var runs []Run
	var err error
	for _, sd := range sigmas {
		for _, m := range []engine.Mode{engine.ModeChip, engine.ModeTransfer} {
			series := "in the loop"
			if m == engine.ModeTransfer {
				series = "transfer"
			}
			runs, err = forSeeds(s, runs, series, sd, fmt.Sprintf("%s-sd%s", m, num(sd)), func(c *engine.Config) {
				c.Mode, c.Decalibrate = m, sd
			}, Measure{})
			if err != nil {
				return nil, err
			}
		}
	}
	for _, sd := range apart {
		runs, err = forSeeds(s, runs, "in the loop, τ only", sd, "chip-tau-sd"+num(sd), func(c *engine.Config) {
			c.Mode, c.Detune = engine.ModeChip, hw.Detuning{TauMem: sd, TauSyn: sd}
		}, Measure{})
		if err != nil {
			return nil, err
		}
		runs, err = forSeeds(s, runs, "in the loop, threshold only", sd, "chip-thr-sd"+num(sd), func(c *engine.Config) {
			c.Mode, c.Detune = engine.ModeChip, hw.Detuning{Threshold: sd}
		}, Measure{})
		if err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// sparsityRuns sweep the spike regulariser ρ_b in the loop.
func sparsityRuns(s Spec) ([]Run, error) {
	rhos := []float64{5e-4, 0.01, 0.05, 0.2, 0.5, 1}
	if s.Quick {
		rhos = []float64{5e-4, 0.5}
	}
	var runs []Run
	var err error
	for _, rho := range rhos {
		runs, err = forSeeds(s, runs, "in the loop", rho, "chip-rho"+num(rho), func(c *engine.Config) {
			c.Hyper.SpikeReg = rho
		}, Measure{})
		if err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// latencyRuns train in the loop and measure accuracy against time.
func latencyRuns(s Spec) ([]Run, error) {
	return forSeeds(s, nil, "in the loop", 0, "chip", func(c *engine.Config) {}, Measure{Latency: true})
}

// robustnessRuns train with and without 40 % dropout and silence growing
// fractions of the hidden neurons.
func robustnessRuns(s Spec) ([]Run, error) {
	fr := []float64{0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5}
	draws := 5
	if s.Quick {
		fr, draws = []float64{0, 0.15, 0.3}, 3
	}
	m := Measure{Silence: fr, Draws: draws}
	runs, err := forSeeds(s, nil, "no dropout", 0, "chip-drop0", func(c *engine.Config) {}, m)
	if err != nil {
		return nil, err
	}
	return forSeeds(s, runs, "40 % dropout", 0.4, "chip-drop0.4", func(c *engine.Config) { c.Hyper.Dropout = 0.4 }, m)
}

// table1Runs: each mode and recipe of Table 1 for the dataset (the paper's
// Table 1 rows; "dropout + rotation" for the image datasets, "augmentation"
// for SHD; the ANN rows are not an SNN and are left out).
func table1Runs(s Spec) ([]Run, error) {
	type recipe struct {
		series, name string
		set          func(c *engine.Config)
	}
	recipes := []recipe{{"plain", "plain", func(c *engine.Config) {}}}
	switch s.Dataset {
	case "mnist", "fashion-mnist":
		recipes = append(recipes, recipe{"dropout + rotation", "droprot", func(c *engine.Config) {
			c.Augment, c.Hyper.Dropout = true, 0.2
		}})
	case "shd":
		recipes = append(recipes, recipe{"augmentation", "aug", func(c *engine.Config) { c.Augment = true }})
	}
	var runs []Run
	var err error
	for _, m := range []engine.Mode{engine.ModeChip, engine.ModeSoftware} {
		label := "BSS-2 (in the loop)"
		if m == engine.ModeSoftware {
			label = "software"
		}
		for _, r := range recipes {
			runs, err = forSeeds(s, runs, label+", "+r.series, 0, string(m)+"-"+r.name, func(c *engine.Config) {
				c.Mode = m
				r.set(c)
			}, Measure{})
			if err != nil {
				return nil, err
			}
		}
	}
	return runs, nil
}
