package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"inloop/engine/experiment"
)

const experimentUsage = `usage: inloop experiment NAME --out DIR [flags]
       inloop experiment NAME --out DIR --task K
       inloop experiment NAME --out DIR --slurm [--partition P] [--time HH:MM:SS] [--cpus-per-task N] [--sbatch-arg ARG]...
       inloop experiment status --out DIR

Runs one of the paper's experiments as a plan of training runs, one run
directory each under DIR/runs, then prints the table (--json: as JSON) and
writes DIR/results.csv, DIR/summary.csv and the figure DIR/figure.svg and
DIR/figure.png. A second invocation skips finished runs and resumes
interrupted ones; options not given are those DIR was started with.
--task K runs exactly run K of DIR's plan (for job arrays); 'status'
collects what finished without training. --slurm submits the runs not done
as one Slurm job array (--slurm-script FILE: write its script only); on a
submitted DIR the plain command and 'status' collect and list each run's
Slurm state (README: "On a cluster").

experiments:
%s
flags:
`

// experimentCmd runs, resumes or collects an experiment.
func experimentCmd(args []string, stdout, stderr io.Writer) error {
	name := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("experiment", flag.ContinueOnError)
	dataset := fs.String("dataset", "", "dataset (default: the experiment's first; see the list above)")
	seeds := fs.Int("seeds", 0, "seeds per configuration, each on its own die (default 5, quick 2)")
	epochs := fs.Int("epochs", 0, "epochs per run (default: Yin-Yang 25, others 30; quick 5 and 1)")
	quick := fs.Bool("quick", false, "a smaller plan that takes minutes (fewer points, seeds and epochs)")
	chipSeed := fs.Uint64("chip-seed", experiment.DefaultChipSeed, "die of the first seed; seed k runs on chip seed +k")
	seed := fs.Uint64("seed", experiment.DefaultSeed, "training seed of the first seed; seed k uses seed +k")
	out := fs.String("out", "", "the experiment `DIR` (required)")
	task := fs.Int("task", -1, "run only run `K` (0-based) of DIR's plan, resuming it if interrupted")
	workers := fs.Int("workers", 1, "runs trained at the same time on this machine")
	dataDir := fs.String("data-dir", "", "directory of the dataset files (mnist, fashion-mnist, shd; default $INLOOP_DATA_DIR)")
	jsonOut := fs.Bool("json", false, "print the table (with --task: the run's result) as JSON on stdout")
	sf := addSlurmFlags(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), experimentUsage, experiment.About())
		fs.PrintDefaults()
	}
	if name == "" && (len(args) == 0 || (args[0] != "-h" && args[0] != "-help" && args[0] != "--help")) {
		return usagef("experiment: no experiment named (accepted: %s, status; see 'inloop experiment -h')", strings.Join(experiment.Names(), ", "))
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *out == "" {
		return usagef("experiment: --out DIR is required (the directory of the experiment's runs)")
	}
	if err := sf.check(name, set); err != nil {
		return err
	}
	if *workers < 1 || *workers > 64 {
		return usagef("experiment: --workers %d is not accepted (accepted: 1 to 64)", *workers)
	}
	if set["seeds"] && (*seeds < 1 || *seeds > experiment.MaxSeeds) {
		return usagef("experiment: --seeds %d is not accepted (accepted: 1 to %d)", *seeds, experiment.MaxSeeds)
	}
	if set["epochs"] && (*epochs < 1 || *epochs > experiment.MaxEpochs) {
		return usagef("experiment: --epochs %d is not accepted (accepted: 1 to %d)", *epochs, experiment.MaxEpochs)
	}
	if set["chip-seed"] && (*chipSeed == 0 || *chipSeed > 1<<62) {
		return usagef("experiment: --chip-seed %d is not accepted (accepted: 1 to 2^62)", *chipSeed)
	}
	if set["seed"] && (*seed == 0 || *seed > 1<<62) {
		return usagef("experiment: --seed %d is not accepted (accepted: 1 to 2^62)", *seed)
	}
	if *dataDir != "" {
		if st, err := os.Stat(*dataDir); err != nil || !st.IsDir() {
			return usagef("experiment: --data-dir %s is not a directory", *dataDir)
		}
	}
	if *dataDir == "" {
		*dataDir = os.Getenv("INLOOP_DATA_DIR")
	}

	plan, err := openPlan(name, *out, set, experiment.Spec{
		Name: name, Dataset: *dataset, Seeds: *seeds, Epochs: *epochs, Quick: *quick, ChipSeed: *chipSeed, Seed: *seed,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()

	if sf.requested() {
		return slurmSubmitCmd(ctx, plan, *dataDir, sf, stdout)
	}
	if set["task"] {
		if *task < 0 || *task >= len(plan.Runs) {
			return usagef("experiment: --task %d is not in the plan of %s (accepted: 0 to %d)", *task, *out, len(plan.Runs)-1)
		}
		return runTask(ctx, plan, *task, *dataDir, *jsonOut, stdout, stderr)
	}

	var runErr error
	slurmRuns := onSlurm(*out) // Slurm runs them: collect only
	if name != "status" && !slurmRuns {
		bar := newExperimentProgress(stderr, plan)
		runErr = plan.RunAll(ctx, *workers, experiment.Env{DataDir: *dataDir, Progress: bar.update})
		bar.finish()
		if errors.Is(runErr, context.Canceled) {
			return fmt.Errorf("interrupted; finished runs are kept and the runs in progress checkpointed: run the same command again to resume")
		}
	}
	table, err := experiment.Collect(plan)
	if err != nil {
		return err
	}
	if err := writeExperimentFiles(table, *out); err != nil {
		return err
	}
	if *jsonOut {
		b, err := json.Marshal(table)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		if err := table.WriteText(stdout); err != nil {
			return err
		}
		fmt.Fprint(stdout, terminalFigure(table, 72, 18))
		fmt.Fprintf(stdout, "files: %s, %s, %s, %s\n", filepath.Join(*out, "results.csv"), filepath.Join(*out, "summary.csv"),
			filepath.Join(*out, "figure.svg"), filepath.Join(*out, "figure.png"))
	}
	if slurmRuns {
		w := stdout
		if *jsonOut {
			w = stderr
		}
		if err := writeSlurmRuns(ctx, plan, w); err != nil {
			return err
		}
	}
	if runErr != nil {
		return fmt.Errorf("some runs failed (the others are in the table): %s", oneLine(runErr.Error()))
	}
	return nil
}

// openPlan returns the plan in out: the stored one (options given on the
// command line must agree with it) or, in a new directory, the one the
// options describe.
func openPlan(name, out string, set map[string]bool, s experiment.Spec) (experiment.Plan, error) {
	if _, err := os.Stat(filepath.Join(out, experiment.SpecFile)); err == nil {
		have, err := experiment.Load(out)
		if err != nil {
			return have, usagef("experiment: %s", oneLine(err.Error()))
		}
		h := have.Spec
		var diff []string
		check := func(flag string, given, stored any) {
			if set[flag] && given != stored {
				diff = append(diff, fmt.Sprintf("--%s %v (it has %v)", flag, given, stored))
			}
		}
		if name != "status" && name != h.Name {
			diff = append(diff, fmt.Sprintf("experiment %s (it has %s)", name, h.Name))
		}
		check("dataset", s.Dataset, h.Dataset)
		check("seeds", s.Seeds, h.Seeds)
		check("epochs", s.Epochs, h.Epochs)
		check("quick", s.Quick, h.Quick)
		check("chip-seed", s.ChipSeed, h.ChipSeed)
		check("seed", s.Seed, h.Seed)
		if len(diff) > 0 {
			return have, usagef("experiment: --out %s holds another experiment: %s; choose another --out or leave those options out", out, strings.Join(diff, ", "))
		}
		return have, nil
	}
	if name == "status" {
		return experiment.Plan{}, usagef("experiment: %s holds no experiment (no %s)", out, experiment.SpecFile)
	}
	p, err := experiment.Open(s, out)
	if err != nil {
		var se *experiment.SpecError
		if errors.As(err, &se) {
			return p, usagef("experiment: %s", oneLine(se.Error()))
		}
		return p, err
	}
	return p, nil
}

// runTask runs one run of the plan and reports it in one line (or its
// result as JSON).
func runTask(ctx context.Context, p experiment.Plan, k int, dataDir string, jsonOut bool, stdout, stderr io.Writer) error {
	r := p.Runs[k]
	fmt.Fprintf(stderr, "run %d of %d: %s (%s, chip seed %d, seed %d, %d epochs) in %s\n", k, len(p.Runs), r.Name, r.Series,
		r.Config.ChipSeed, r.Config.Seed, r.Config.Epochs, p.RunDir(k))
	res, err := p.Execute(ctx, k, experiment.Env{DataDir: dataDir})
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted; run %d is checkpointed: the same command resumes it", k)
	}
	if err != nil {
		return badInput(err)
	}
	if jsonOut {
		b, err := json.Marshal(res)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	_, err = fmt.Fprintf(stdout, "run %d (%s): done, test accuracy %.2f %%, %.1f hidden spikes/sample, %d epochs\n",
		k, r.Name, 100*res.TestAccuracy, res.SpikesPerSample, res.Epochs)
	return err
}

// writeExperimentFiles writes the CSV files and the figure of t into out.
func writeExperimentFiles(t experiment.Table, out string) error {
	var runs, summary strings.Builder
	if err := t.WriteCSV(&runs); err != nil {
		return err
	}
	if err := t.WriteSummaryCSV(&summary); err != nil {
		return err
	}
	for name, body := range map[string]string{"results.csv": runs.String(), "summary.csv": summary.String()} {
		if err := os.WriteFile(filepath.Join(out, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return experiment.WriteFigures(t, filepath.Join(out, "figure"))
}
