package nir

import (
	"math"
	"runtime/debug"

	"inloop/engine"
	"inloop/hw"
	"inloop/internal/atomicfile"
	"inloop/internal/h5"
)

// Node names of the graphs inloop writes.
const (
	NodeInput   = "input"
	NodeFC1     = "fc1"
	NodeHidden  = "hidden"
	NodeRec     = "rec"
	NodeFC2     = "fc2"
	NodeReadout = "readout"
	NodeOutput  = "output"
)

// usPerS converts the engine's µs to NIR's seconds.
const usPerS = 1e6

// PerNeuron are a die's effective neuron parameters (hw.Chip.Neuron) to
// export in place of the nominal ones.
type PerNeuron struct {
	Hidden, Outputs []hw.NeuronParams
}

// FromNetwork builds the NIR graph of n (see the package comment). With
// per, the neuron parameters are the die's: time constants, leak,
// threshold and reset of each neuron, the mean synaptic gain of its two
// circuits folded into w_in.
// meta is written as the graph's metadata.
func FromNetwork(n engine.Network, per *PerNeuron, meta map[string]h5.Value) *Graph {
	l := n.Layout
	I, H, O := l.Inputs, l.Hidden, l.Outputs
	dt := l.Dt / usPerS
	g := &Graph{Nodes: map[string]*Node{}, Metadata: meta}
	affine := func(w []float32, out int) *Node {
		return &Node{Type: "Affine", Params: map[string]h5.Value{
			"weight": h5.F32s([]int{out, len(w) / out}, append([]float32(nil), w...)),
			"bias":   h5.F32s([]int{out}, make([]float32, out)),
		}}
	}
	shape := func(k int) *Node {
		return &Node{Type: "", Params: map[string]h5.Value{"shape": h5.I64s([]int{1}, []int64{int64(k)})}}
	}
	in, out := shape(I), shape(O)
	in.Type, out.Type = "Input", "Output"
	g.Nodes[NodeInput] = in
	g.Nodes[NodeOutput] = out
	g.Nodes[NodeFC1] = affine(n.In, H)
	g.Nodes[NodeFC2] = affine(n.Out, O)

	// neuron parameter arrays: nominal, or the die's
	params := func(k int, ps []hw.NeuronParams, spiking bool) map[string]h5.Value {
		tm, ts, r, win := make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
		leak, th, reset := make([]float64, k), make([]float64, k), make([]float64, k)
		for j := range k {
			tm[j], ts[j], th[j] = l.TauMem/usPerS, l.TauSyn/usPerS, 1
			gain := 1.0
			if ps != nil {
				p := ps[j]
				tm[j], ts[j], gain = p.TauMem/usPerS, p.TauSyn/usPerS, 0.5*(p.SynGain[0]+p.SynGain[1])
				leak[j] = engine.ModelPotential(p.Leak)
				th[j] = engine.ModelPotential(p.Threshold)
				reset[j] = engine.ModelPotential(p.Reset)
			}
			r[j] = tm[j] / dt
			win[j] = ts[j] / dt * gain
		}
		m := map[string]h5.Value{
			"tau_mem": h5.F64s([]int{k}, tm), "tau_syn": h5.F64s([]int{k}, ts),
			"r": h5.F64s([]int{k}, r), "v_leak": h5.F64s([]int{k}, leak), "w_in": h5.F64s([]int{k}, win),
		}
		if spiking {
			m["v_threshold"] = h5.F64s([]int{k}, th)
			m["v_reset"] = h5.F64s([]int{k}, reset)
		}
		return m
	}
	var ph, po []hw.NeuronParams
	if per != nil {
		ph, po = per.Hidden, per.Outputs
	}
	g.Nodes[NodeHidden] = &Node{Type: "CubaLIF", Params: params(H, ph, true)}
	g.Nodes[NodeReadout] = &Node{Type: "CubaLI", Params: params(O, po, false)}
	g.Edges = [][2]string{{NodeInput, NodeFC1}, {NodeFC1, NodeHidden}, {NodeHidden, NodeFC2}, {NodeFC2, NodeReadout}, {NodeReadout, NodeOutput}}
	if l.Recurrent {
		g.Nodes[NodeRec] = affine(n.Rec, H)
		g.Edges = append(g.Edges, [2]string{NodeHidden, NodeRec}, [2]string{NodeRec, NodeHidden})
	}
	return g
}

// Version describes the running inloop build for metadata.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "inloop (unknown build)"
	}
	v := "inloop " + bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" {
			v += " " + s.Value
		}
	}
	return v
}

// Observables renders a chip recording as a NIRGraphData file
// (nir.read_data): input and hidden spikes as event data (indices padded
// with −1, times in seconds padded with +Inf), hidden and readout
// membranes as time-gridded data (model units, the CADC samples relative
// to each sample's first frame, one frame per dt).
func Observables(rec *engine.Recording) ([]byte, error) {
	l := rec.Layout
	S, T := len(rec.Labels), l.Steps
	tmax := float64(T) * l.Dt / usPerS
	root := &h5.Group{}
	root.SetAttr("__type__", h5.Str("NIRGraphData"))
	nodes := root.NewGroup("nodes")
	obs := func(node string) *h5.Group {
		g := nodes.NewGroup(node)
		g.SetAttr("__type__", h5.Str("NIRNodeData"))
		return g.NewGroup("observables")
	}
	events := func(dst *h5.Group, ev [][]engine.SpikeEvent, n int) {
		E := 0
		for _, e := range ev {
			E = max(E, len(e))
		}
		idx, tm := make([]int64, S*E), make([]float64, S*E)
		for s := range S {
			for k := range E {
				idx[s*E+k], tm[s*E+k] = -1, math.Inf(1)
				if k < len(ev[s]) {
					idx[s*E+k], tm[s*E+k] = int64(ev[s][k].Index), ev[s][k].Time/usPerS
				}
			}
		}
		g := dst.NewGroup("spikes")
		g.SetAttr("__type__", h5.Str("EventData"))
		g.Put("idx", h5.I64s([]int{S, E}, idx))
		g.Put("time", h5.F64s([]int{S, E}, tm))
		g.SetAttr("n_neurons", h5.I64(int64(n)))
		g.SetAttr("t_max", h5.F64(tmax))
	}
	grid := func(dst *h5.Group, v []float32, n int) {
		g := dst.NewGroup("v")
		g.SetAttr("__type__", h5.Str("TimeGriddedData"))
		g.Put("data", h5.F32s([]int{S, T, n}, v))
		g.SetAttr("dt", h5.F64(l.Dt/usPerS))
	}
	events(obs(NodeInput), rec.Inputs, l.Inputs)
	h := obs(NodeHidden)
	events(h, rec.Spikes, l.Hidden)
	grid(h, rec.Hidden, l.Hidden)
	grid(obs(NodeReadout), rec.Outputs, l.Outputs)
	return h5.Encode(root)
}

// WriteObservables writes Observables(rec) to path atomically.
func WriteObservables(path string, rec *engine.Recording) error {
	b, err := Observables(rec)
	if err != nil {
		return err
	}
	return writeAtomic(path, b)
}

func writeAtomic(path string, b []byte) error {
	return atomicfile.WriteFile(path, b, 0o644, ".nir-*")
}
