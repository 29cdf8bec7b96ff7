package nir

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"inloop/engine"
	"inloop/internal/h5"
)

// sharedDir is $INLOOP_SHARED, or ../shared next to the module root.
func sharedDir() string {
	if s := os.Getenv("INLOOP_SHARED"); s != "" {
		return s
	}
	return filepath.Join("..", "..", "shared")
}

// TestSampleFiles reads NIR's sample files and checks that each is refused
// for deployment with a line naming the node and the limit.
func TestSampleFiles(t *testing.T) {
	dir := filepath.Join(sharedDir(), "data", "nir")
	want := map[string]struct {
		nodes int
		fault string
	}{
		"braille_cubalif_v0.2.0.nir":                 {7, `NIR node "fc1": bias -0.0666`},
		"handbuilt_linear_cubalif_linear_cubali.nir": {6, `NIR node "fc1": weight 3→0 is 0.3 in model units (threshold − leak = 1); the chip's limit is ±0.2625`},
		"lif_norse_v0.1.1.nir":                       {4, `NIR node "1": node type LIF is not supported (supported graphs: Input → Affine|Linear → CubaLIF`},
	}
	found := 0
	for name, w := range want {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		found++
		g, err := Read(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(g.Nodes) != w.nodes {
			t.Errorf("%s: %d nodes, want %d", name, len(g.Nodes), w.nodes)
		}
		_, err = Deploy(g, 0)
		var de *DeployError
		if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), w.fault) {
			t.Errorf("%s: deploy error %q, want prefix %q", name, err, w.fault)
		}
	}
	if found == 0 {
		t.Skip("NIR samples absent: " + dir)
	}
	// The handbuilt sample fits once its weights are divided by 5: its parameters
	// (τ 6 ms, r 1, w_in 1) give dt = τ_mem/r and τ = 1.7 µs on the chip.
	p := filepath.Join(dir, "handbuilt_linear_cubalif_linear_cubali.nir")
	g, err := Read(p)
	if err != nil {
		t.Skip(err)
	}
	for _, k := range []string{"fc1", "fc2"} {
		w := g.Nodes[k].Params["weight"]
		for i := range w.F32 {
			w.F32[i] /= 5
		}
	}
	d, err := Deploy(g, 0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(d.Dt-0.006) > 1e-9 || d.Targets != "tau_mem=1.7,tau_syn=1.7" {
		t.Errorf("dt %g, targets %q", d.Dt, d.Targets)
	}
	ref := g.Nodes["fc1"].Params["weight"].F32
	for i, v := range d.Network.In {
		if v != ref[i] { // w_in·dt/τ_syn = r·dt/τ_mem = 1, threshold − leak = 1
			t.Fatalf("weight %d: %g, want %g", i, v, ref[i])
		}
	}
}

// tiny builds a valid graph of the supported shape (2 → 3 → 2) in
// inloop's conventions, to be broken by the refusal tests.
func tiny() *Graph {
	n := engine.Network{Layout: engine.Layout{Inputs: 2, Hidden: 3, Outputs: 2, Dt: 1.7, TauMem: 6, TauSyn: 6, Steps: 2},
		In: []float32{0.1, -0.1, 0.2, 0, 0, 0.25}, Out: []float32{1, 2, 3, -1, -2, -3}}
	return FromNetwork(n, nil, map[string]h5.Value{"dt": h5.F64(1.7e-6)})
}

func TestDeployRefuses(t *testing.T) {
	if _, err := Deploy(tiny(), 0); err != nil {
		t.Fatalf("valid graph refused: %v", err)
	}
	for _, c := range []struct {
		name  string
		edit  func(g *Graph)
		fault string
	}{
		{"conv", func(g *Graph) { g.Nodes["fc1"].Type = "Conv2d" }, `NIR node "fc1": node type Conv2d is not supported (supported graphs: Input → Affine|Linear → CubaLIF`},
		{"LI readout", func(g *Graph) { g.Nodes["readout"].Type = "LI" }, `NIR node "readout": node type LI is not supported`},
		{"edge to nothing", func(g *Graph) { g.Edges = append(g.Edges, [2]string{"fc1", "ghost"}) }, `NIR graph: edge fc1 → ghost names no node "ghost"`},
		{"two inputs", func(g *Graph) { g.Nodes["in2"] = &Node{Type: "Input", Params: g.Nodes["input"].Params} }, `NIR graph: 2 Input nodes, want 1`},
		{"dangling", func(g *Graph) { g.Nodes["x"] = &Node{Type: "Affine", Params: g.Nodes["fc1"].Params} }, `NIR node "x": not on the path input → output`},
		{"no readout", func(g *Graph) { g.Edges[3] = [2]string{"fc2", "output"} }, `NIR node "fc2": followed by 0 nodes of type CubaLI|CubaLIF, want 1`},
		{"bias", func(g *Graph) { g.Nodes["fc2"].Params["bias"].F32[1] = 0.5 }, `NIR node "fc2": bias 0.5: the chip has no bias input`},
		{"weight limit", func(g *Graph) { g.Nodes["fc1"].Params["weight"].F32[5] = 0.3 }, `NIR node "fc1": weight 1→2 is 0.3 in model units`},
		{"tau spread", func(g *Graph) { g.Nodes["hidden"].Params["tau_mem"].F64[2] *= 1.5 }, `NIR node "hidden": tau_mem varies across neurons`},
		{"tau range", func(g *Graph) {
			for _, k := range []string{"hidden", "readout"} {
				for _, p := range []string{"tau_mem", "tau_syn"} {
					for i := range g.Nodes[k].Params[p].F64 {
						g.Nodes[k].Params[p].F64[i] *= 100
					}
				}
			}
		}, `NIR node "hidden": time constants τ_mem 600 µs, τ_syn 600 µs on the chip (τ/dt × 1.7 µs): calibration target tau_mem = 600`},
		{"readout tau", func(g *Graph) {
			for i := range g.Nodes["readout"].Params["tau_syn"].F64 {
				g.Nodes["readout"].Params["tau_syn"].F64[i] *= 2
			}
		}, `NIR node "readout": time constants (τ_mem 6, τ_syn 12 µs on the chip) differ from hidden's (6, 6 µs)`},
		{"reset", func(g *Graph) { g.Nodes["hidden"].Params["v_reset"].F64[0] = 0.5 }, `NIR node "hidden": neuron 0: v_reset 0.5 differs from v_leak 0`},
		{"threshold", func(g *Graph) { g.Nodes["hidden"].Params["v_threshold"].F64[1] = -1 }, `NIR node "hidden": neuron 1: v_threshold -1 not above v_leak 0`},
		{"too many neurons", func(g *Graph) {
			g.Nodes["fc1"].Params["weight"] = h5.F32s([]int{300, 2}, make([]float32, 600))
		}, `NIR node "fc2": takes 3 inputs, but hidden has 300 neurons`},
	} {
		g := tiny()
		c.edit(g)
		_, err := Deploy(g, 0)
		var de *DeployError
		if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), c.fault) {
			t.Errorf("%s: %v, want prefix %q", c.name, err, c.fault)
		}
	}
}

// TestScaling: per-neuron thresholds, leaks, r and w_in of a foreign graph
// fold into the weights.
func TestScaling(t *testing.T) {
	g := tiny()
	h := g.Nodes["hidden"].Params
	h["v_threshold"].F64[1], h["v_leak"].F64[1], h["v_reset"].F64[1] = 3, 1, 1 // threshold − leak = 2
	h["w_in"].F64[2] *= 0.5
	d, err := Deploy(g, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{0.1, -0.1, 0.1, 0, 0, 0.125}
	for i, v := range d.Network.In {
		if math.Abs(float64(v-want[i])) > 1e-7 {
			t.Errorf("In[%d] = %g, want %g", i, v, want[i])
		}
	}
}

// TestDecodeMutations: thousands of randomly corrupted graph files (1–4
// bytes replaced) give a FormatError, a DeployError or a deployment, never
// a panic (the fuzz test explores further when run with -fuzz).
func TestDecodeMutations(t *testing.T) {
	b, err := Encode(tinyRecurrent())
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		c := append([]byte(nil), b...)
		for range 1 + rng.IntN(4) {
			c[rng.IntN(len(c))] = byte(rng.IntN(256))
		}
		g, err := Decode(c)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("input %d: error %v (%T)", i, err, err)
			}
			continue
		}
		if _, err := Deploy(g, 0); err != nil {
			var de *DeployError
			if !errors.As(err, &de) {
				t.Fatalf("input %d: deploy error %v (%T)", i, err, err)
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	b, err := Encode(tiny())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	fs, _ := filepath.Glob(filepath.Join(sharedDir(), "data", "nir", "*.nir"))
	for _, p := range fs {
		if s, err := os.ReadFile(p); err == nil {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := Decode(b)
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a FormatError", err, err)
			}
			return
		}
		if _, err := Deploy(g, 0); err != nil {
			var de *DeployError
			if !errors.As(err, &de) {
				t.Fatalf("deploy error %v (%T) is not a DeployError", err, err)
			}
		}
	})
}

// tinyRecurrent is tiny with a recurrent hidden layer.
func tinyRecurrent() *Graph {
	n := engine.Network{Layout: engine.Layout{Inputs: 2, Hidden: 3, Outputs: 2, Recurrent: true, Dt: 1.7, TauMem: 6, TauSyn: 6, Steps: 2},
		In: []float32{0.1, -0.1, 0.2, 0, 0, 0.25}, Rec: []float32{0, 0.05, -0.05, 0.1, 0, 0, 0, 0.2, 0}, Out: []float32{1, 2, 3, -1, -2, -3}}
	return FromNetwork(n, nil, map[string]h5.Value{"dt": h5.F64(1.7e-6)})
}

// TestRecurrent: the recurrent edge hidden → rec → hidden is written and
// deployed back with its weights.
func TestRecurrent(t *testing.T) {
	b, err := Encode(tinyRecurrent())
	if err != nil {
		t.Fatal(err)
	}
	g, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Edges) != 7 || g.Nodes[NodeRec] == nil {
		t.Fatalf("edges %v", g.Edges)
	}
	d, err := Deploy(g, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := tinyRecurrent().Nodes[NodeRec].Params["weight"].F32
	if !d.Network.Layout.Recurrent || len(d.Network.Rec) != len(want) {
		t.Fatalf("deployed %+v", d.Network.Layout)
	}
	for i, v := range d.Network.Rec {
		if v != want[i] {
			t.Errorf("rec weight %d: %g, want %g", i, v, want[i])
		}
	}
	// A second loop back into the hidden layer is refused.
	g.Nodes["rec2"] = &Node{Type: "Linear", Params: map[string]h5.Value{"weight": g.Nodes[NodeRec].Params["weight"]}}
	g.Edges = append(g.Edges, [2]string{NodeHidden, "rec2"}, [2]string{"rec2", NodeHidden})
	if _, err := Deploy(g, 0); err == nil || !strings.HasPrefix(err.Error(), `NIR node "hidden": two recurrent loops (through "rec" and "rec2")`) {
		t.Errorf("two recurrent loops: %v", err)
	}
}
