package nir

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"inloop/engine"
	"inloop/internal/h5"
)

// oracles returns, with INLOOP_NIR_ORACLE=1, the folder of NIR's reference tools (see the README,
// "NIR") and Debian's python with h5py, numpy and torch, or skips.
func oracles(t *testing.T) (dir, py string) {
	t.Helper()
	if os.Getenv("INLOOP_NIR_ORACLE") != "1" {
		t.Skip("the NIR oracle test (about a minute) runs with INLOOP_NIR_ORACLE=1, as .ci/run does")
	}
	dir = filepath.Join(sharedDir(), "oracles")
	if _, err := os.Stat(filepath.Join(dir, "nir-check.py")); err != nil {
		t.Skip("NIR oracles absent: " + dir + " (set INLOOP_SHARED)")
	}
	py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import h5py, numpy, torch").Run(); err != nil {
		t.Skip("needs /usr/bin/python3 with h5py, numpy and torch (apt-get install python3-h5py python3-torch)")
	}
	return dir, py
}

func runPy(t *testing.T, py, oracleDir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(py, args...)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(oracleDir, "python"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out)
	}
	return string(out)
}

// TestOracle holds an exported Yin-Yang network and its observables
// against NIR's reference reader (nir-check.py: h5py reads everything,
// nir.read builds the typed graph, nir.write round trip identical, no
// structural difference from nir.write's rendering; nir.read_data and the
// same layout comparison for the observables), and runs it in snnTorch:
// its predictions on the test split must agree with inloop's software
// model on at least 95 % of the samples (testdata/snntorch_agree.py says
// how time steps map and what is substituted).
func TestOracle(t *testing.T) {
	dir, py := oracles(t)
	cfg, err := engine.DefaultConfig("yinyang")
	if err != nil {
		t.Fatal(err)
	}
	l, err := engine.NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	idx := make([]int, 50)
	for s := range 20 {
		for i := range idx {
			idx[i] = s*50 + i
		}
		if _, err := l.Step(idx, uint64(s)); err != nil {
			t.Fatal(err)
		}
	}
	tmp := t.TempDir()
	graph, obs, dataFile := filepath.Join(tmp, "yy.nir"), filepath.Join(tmp, "obs.h5"), filepath.Join(tmp, "data.h5")
	g, err := FromLearner(l, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := Write(graph, g); err != nil {
		t.Fatal(err)
	}
	rec, err := l.Record(l.Test(), 20)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteObservables(obs, rec); err != nil {
		t.Fatal(err)
	}
	t.Log(runPy(t, py, dir, filepath.Join(dir, "nir-check.py"), graph))
	recFile := filepath.Join(tmp, "recurrent.nir")
	if err := Write(recFile, tinyRecurrent()); err != nil {
		t.Fatal(err)
	}
	t.Log(runPy(t, py, dir, filepath.Join(dir, "nir-check.py"), recFile))
	ref := filepath.Join(tmp, "ref_obs.h5")
	t.Log(runPy(t, py, dir, "-c", `import sys, nir
d = nir.read_data(sys.argv[1]); d.check_nodes(nir.read(sys.argv[2])); nir.write_data(sys.argv[3], d)
print({k: sorted(n.observables) for k, n in d.nodes.items()})`, obs, graph, ref))
	t.Log(runPy(t, py, dir, filepath.Join(dir, "compare_layout.py"), ref, obs))

	// inloop's software model with the exported (quantised) weights.
	d, err := Deploy(g, 0)
	if err != nil {
		t.Fatal(err)
	}
	sw := cfg
	sw.Mode, sw.Init, sw.Targets = engine.ModeSoftware, &d.Network, d.Targets
	ls, err := engine.NewLearner(sw)
	if err != nil {
		t.Fatal(err)
	}
	pred, raster, err := ls.Predictions(ls.Test(), ls.Test().Len())
	if err != nil {
		t.Fatal(err)
	}
	classes := map[int]int{}
	for _, p := range pred {
		classes[p]++
	}
	if len(classes) < 3 {
		t.Fatalf("inloop's software model predicts only classes %v: a test of agreement needs a network that separates them", classes)
	}
	ly := ls.Layout()
	p64 := make([]int64, len(pred))
	for i, p := range pred {
		p64[i] = int64(p)
	}
	root := &h5.Group{}
	root.Put("inputs", h5.F32s([]int{len(pred), ly.Steps, ly.Inputs}, raster))
	root.Put("predictions", h5.I64s([]int{len(pred)}, p64))
	b, err := h5.Encode(root)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dataFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runPy(t, py, dir, filepath.Join("testdata", "snntorch_agree.py"), graph, dataFile)
	m := regexp.MustCompile(`agreement ([0-9.]+) \((\d+)/(\d+)\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("snnTorch run printed no agreement:\n%s", out)
	}
	a, _ := strconv.ParseFloat(m[1], 64)
	t.Logf("snnTorch vs inloop's software model on %s test samples: agreement %.4f", m[3], a)
	if a < 0.95 {
		t.Errorf("agreement %.4f < 0.95", a)
	}
}
