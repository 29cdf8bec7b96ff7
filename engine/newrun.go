package engine

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"

	"inloop/data"
	"inloop/hw"
)

// NewRunFields are the fields of a new run started inside a session (the
// app's new-run form, CmdNewRun), in the order the form shows them. Each
// is checked by the rule of the flag of the same name (CheckNewRunField).
var NewRunFields = []string{"dataset", "data-dir", "mode", "chip-seed", "calibration", "hidden", "epochs"}

// CheckDataset checks a dataset name, for --dataset and the new-run form.
func CheckDataset(name string) error {
	if _, err := DefaultConfig(name); err != nil {
		return fmt.Errorf("%q is not accepted (accepted: %s)", name, strings.Join(data.Names, ", "))
	}
	return nil
}

// CheckDataDir checks a data directory ("" = the default), for --data-dir
// and the new-run form.
func CheckDataDir(dir string) error {
	if dir == "" {
		return nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// CheckCalibration checks a starting chip state, for --calibration and the
// new-run form.
func CheckCalibration(c string) error {
	switch c {
	case "calibrated", "uncalibrated":
		return nil
	}
	return fmt.Errorf("%q is not accepted (accepted: calibrated, uncalibrated)", c)
}

// CheckHidden checks a hidden layer size, for --hidden and the new-run form.
func CheckHidden(n int) error {
	if n < 1 || n > hw.LogicalNeurons {
		return fmt.Errorf("%d is not accepted (accepted: 1 to %d neurons)", n, hw.LogicalNeurons)
	}
	return nil
}

// CheckNewRunField checks the text of one new-run field by its flag's rule
// and returns it as the command carries it. An empty hidden size is the
// dataset's, empty epochs a run without an end, an empty data directory
// the default ($INLOOP_DATA_DIR).
func CheckNewRunField(name, text string) (string, error) {
	v := strings.TrimSpace(text)
	switch name {
	case "dataset":
		return v, CheckDataset(v)
	case "data-dir":
		return v, CheckDataDir(v)
	case "calibration":
		return v, CheckCalibration(v)
	case "hidden":
		if v == "" {
			return "", nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return "", fmt.Errorf("%q is not a whole number (accepted: 1 to %d neurons, or empty for the dataset's)", v, hw.LogicalNeurons)
		}
		return v, CheckHidden(n)
	case "mode", "chip-seed", "epochs":
		if name == "epochs" && v == "" {
			return "", nil
		}
		for _, s := range settings {
			if s.Flag == name {
				v, err := s.Check(v)
				if se, ok := err.(*SettingError); ok {
					return "", fmt.Errorf("%s", se.Detail())
				}
				return v, err
			}
		}
	}
	return "", fmt.Errorf("unknown field %q (accepted: %s)", name, strings.Join(NewRunFields, ", "))
}

// NewRunValues are cfg's new-run fields as text, to prefill the form.
func NewRunValues(cfg Config) map[string]string {
	v := map[string]string{
		"dataset":     cfg.Dataset,
		"data-dir":    cfg.DataDir,
		"mode":        string(cfg.Mode),
		"chip-seed":   strconv.FormatUint(cfg.ChipSeed, 10),
		"calibration": cfg.Calibration,
		"hidden":      "",
		"epochs":      "",
	}
	// The dataset's own size shows as empty, so it follows a change of dataset.
	if d, err := DefaultConfig(cfg.Dataset); cfg.Hidden > 0 && (err != nil || cfg.Hidden != d.Hidden) {
		v["hidden"] = strconv.Itoa(cfg.Hidden)
	}
	if cfg.Epochs > 0 {
		v["epochs"] = strconv.Itoa(cfg.Epochs)
	}
	return v
}

// NewRunCommand checks every field and returns the command that starts
// the new run; the first refused field is the error.
func NewRunCommand(values map[string]string) (Command, error) {
	q := url.Values{}
	for _, f := range NewRunFields {
		v, err := CheckNewRunField(f, values[f])
		if err != nil {
			return Command{}, fmt.Errorf("%s %w", f, err)
		}
		q.Set(f, v)
	}
	return Command{Kind: CmdNewRun, Value: q.Encode()}, nil
}

// newRunConfig is the configuration of the new run a CmdNewRun value
// asks for: the dataset's defaults with the fields given, and the
// current run's seeds.
func newRunConfig(value string, cur Config) (Config, error) {
	q, err := url.ParseQuery(value)
	if err != nil {
		return Config{}, fmt.Errorf("new run %q is not accepted (accepted: %s as a query string)", value, strings.Join(NewRunFields, ", "))
	}
	vals := map[string]string{}
	for _, f := range NewRunFields {
		v, err := CheckNewRunField(f, q.Get(f))
		if err != nil {
			return Config{}, fmt.Errorf("new run: %s %w", f, err)
		}
		vals[f] = v
	}
	cfg, _ := DefaultConfig(vals["dataset"])
	cfg.Seed, cfg.NoiseSeed = cur.Seed, cur.NoiseSeed
	cfg.DataDir, cfg.Calibration = vals["data-dir"], vals["calibration"]
	cfg.Mode = Mode(vals["mode"])
	cfg.ChipSeed, _ = parseChipSeed(vals["chip-seed"])
	cfg.Hidden, _ = strconv.Atoi(vals["hidden"]) // "" = 0 = the dataset's
	cfg.Epochs, _ = strconv.Atoi(vals["epochs"]) // "" = 0 = no end
	return cfg, nil
}

// newRun ends the current run and begins the one value asks for, as a
// start over does (its own sibling run directory; the old run goes on if
// the new one cannot be prepared, e.g. missing dataset files).
func (t *Trainer) newRun(value string) error {
	cfg, err := newRunConfig(value, t.cfg)
	if err != nil {
		return err
	}
	if t.run != nil {
		cfg.RunDir = t.nextRunDir()
	}
	return t.begin(cfg, "new "+cfg.Dataset+" run")
}
