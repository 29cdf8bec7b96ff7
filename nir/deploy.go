package nir

import (
	"fmt"
	"math"
	"strings"

	"inloop/engine"
	"inloop/hw"
	"inloop/internal/h5"
)

// Supported describes the graphs Deploy accepts, for error messages.
const Supported = "Input → Affine|Linear → CubaLIF (optionally with a recurrent Affine|Linear back into it) → Affine|Linear → CubaLI|CubaLIF (read as an integrator) → Output"

// DeployError is a graph Deploy cannot place on the chip: Node names the
// node at fault ("" for the graph).
type DeployError struct {
	Node  string
	Fault string
}

func (e *DeployError) Error() string {
	if e.Node == "" {
		return "NIR graph: " + e.Fault
	}
	return fmt.Sprintf("NIR node %q: %s", e.Node, e.Fault)
}

// Deployment is a graph mapped onto inloop's network.
type Deployment struct {
	Network engine.Network // model units; Layout sizes, recurrence, τ (µs); Steps and Dt are the run's
	Dt      float64        // seconds of graph time per chip frame
	Dataset string         // from the metadata, "" if absent
	Targets string         // calibration targets for the graph's time constants
	Notes   []string       // conversions made, for the report
}

// Deploy maps g onto the chip's network shape (Supported): one graph step
// of dt seconds becomes one chip frame (hw.CADCPeriod µs), so a time
// constant τ runs as τ/dt frames; dt is dtOverride if positive, else the
// metadata's "dt", else τ_mem/r of the hidden layer (the convention of
// snnTorch and of inloop's own files: r = τ_mem/dt). Per-neuron thresholds,
// leaks, r and w_in are folded into the weights so that threshold − leak
// is 1 and one input spike of weight w raises the membrane's drive by w.
func Deploy(g *Graph, dtOverride float64) (*Deployment, error) {
	d := &Deployment{}
	if s, ok := metaString(g.Metadata, "dataset"); ok {
		d.Dataset = s
	}
	for _, name := range g.Names() {
		n := g.Nodes[name]
		switch n.Type {
		case "Input", "Output", "Affine", "Linear", "CubaLIF", "CubaLI":
		default:
			return nil, &DeployError{name, fmt.Sprintf("node type %s is not supported (supported graphs: %s)", n.Type, Supported)}
		}
	}
	succ := map[string][]string{}
	for _, e := range g.Edges {
		for _, n := range e {
			if g.Nodes[n] == nil {
				return nil, &DeployError{"", fmt.Sprintf("edge %s → %s names no node %q", e[0], e[1], n)}
			}
		}
		succ[e[0]] = append(succ[e[0]], e[1])
	}
	var inputs []string
	for _, name := range g.Names() {
		if g.Nodes[name].Type == "Input" {
			inputs = append(inputs, name)
		}
	}
	if len(inputs) != 1 {
		return nil, &DeployError{"", fmt.Sprintf("%d Input nodes, want 1 (supported graphs: %s)", len(inputs), Supported)}
	}
	// Walk the chain, the recurrent loop aside.
	next := func(from string, types ...string) (string, error) {
		var cand []string
		for _, s := range succ[from] {
			if t := g.Nodes[s].Type; contains(types, t) && !(from != inputs[0] && g.Nodes[from].Type == "CubaLIF" && isLoop(g, succ, s, from)) {
				cand = append(cand, s)
			}
		}
		if len(cand) != 1 {
			return "", &DeployError{from, fmt.Sprintf("followed by %d nodes of type %s, want 1 (supported graphs: %s)", len(cand), strings.Join(types, "|"), Supported)}
		}
		return cand[0], nil
	}
	fc1, err := next(inputs[0], "Affine", "Linear")
	if err != nil {
		return nil, err
	}
	hidden, err := next(fc1, "CubaLIF")
	if err != nil {
		return nil, err
	}
	fc2, err := next(hidden, "Affine", "Linear")
	if err != nil {
		return nil, err
	}
	readout, err := next(fc2, "CubaLI", "CubaLIF")
	if err != nil {
		return nil, err
	}
	output, err := next(readout, "Output")
	if err != nil {
		return nil, err
	}
	rec := ""
	for _, s := range succ[hidden] {
		if s != fc2 {
			if !isLoop(g, succ, s, hidden) || !contains([]string{"Affine", "Linear"}, g.Nodes[s].Type) {
				return nil, &DeployError{hidden, fmt.Sprintf("extra edge to %q (supported graphs: %s)", s, Supported)}
			}
			if rec != "" {
				return nil, &DeployError{hidden, fmt.Sprintf("two recurrent loops (through %q and %q); the chip takes one (supported graphs: %s)", rec, s, Supported)}
			}
			rec = s
		}
	}
	used := map[string]bool{inputs[0]: true, fc1: true, hidden: true, fc2: true, readout: true, output: true, rec: true}
	for _, name := range g.Names() {
		if !used[name] {
			return nil, &DeployError{name, fmt.Sprintf("not on the path input → output (supported graphs: %s)", Supported)}
		}
	}

	// Sizes.
	win, I, H, err := weights(g, fc1)
	if err != nil {
		return nil, err
	}
	wout, H2, O, err := weights(g, fc2)
	if err != nil {
		return nil, err
	}
	if H2 != H {
		return nil, &DeployError{fc2, fmt.Sprintf("takes %d inputs, but %s has %d neurons", H2, hidden, H)}
	}
	if s, ok := shapeOf(g.Nodes[inputs[0]]); ok && s != I {
		return nil, &DeployError{inputs[0], fmt.Sprintf("shape %d, but %s takes %d inputs", s, fc1, I)}
	}
	if s, ok := shapeOf(g.Nodes[output]); ok && s != O {
		return nil, &DeployError{output, fmt.Sprintf("shape %d, but %s gives %d outputs", s, fc2, O)}
	}
	var wrec []float64
	if rec != "" {
		var a, b int
		if wrec, a, b, err = weights(g, rec); err != nil {
			return nil, err
		}
		if a != H || b != H {
			return nil, &DeployError{rec, fmt.Sprintf("recurrent weights %d×%d, want %d×%d", b, a, H, H)}
		}
	}

	// Time step and neuron parameters.
	hp, err := neuronParams(g, hidden, H, true)
	if err != nil {
		return nil, err
	}
	op, err := neuronParams(g, readout, O, false)
	if err != nil {
		return nil, err
	}
	if g.Nodes[readout].Type == "CubaLIF" {
		d.Notes = append(d.Notes, fmt.Sprintf("readout %s: CubaLIF read as an integrator (the chip's readout neurons do not fire; its threshold is ignored)", readout))
	}
	switch {
	case dtOverride > 0:
		d.Dt = dtOverride
	case metaFloat(g.Metadata, "dt") > 0:
		d.Dt = metaFloat(g.Metadata, "dt")
	default:
		d.Dt = hp.tauMem[0] / hp.r[0]
		d.Notes = append(d.Notes, fmt.Sprintf("time step %.4g s from τ_mem/r of %s (no dt in the metadata)", d.Dt, hidden))
	}
	if !(d.Dt > 0) || math.IsInf(d.Dt, 0) {
		return nil, &DeployError{hidden, "time step τ_mem/r is not a positive number; give --dt"}
	}
	frame := hw.CADCPeriod // µs per graph step on the chip
	tau := func(node string, name string, v []float64) (float64, error) {
		for _, x := range v {
			if math.Abs(x-v[0]) > 1e-6*math.Abs(v[0]) {
				return 0, &DeployError{node, fmt.Sprintf("%s varies across neurons (%g … ); the chip is calibrated to one %s per run", name, v[0], name)}
			}
		}
		return v[0] / d.Dt * frame, nil
	}
	var tm, ts [2]float64
	if tm[0], err = tau(hidden, "tau_mem", hp.tauMem); err != nil {
		return nil, err
	}
	if ts[0], err = tau(hidden, "tau_syn", hp.tauSyn); err != nil {
		return nil, err
	}
	if tm[1], err = tau(readout, "tau_mem", op.tauMem); err != nil {
		return nil, err
	}
	if ts[1], err = tau(readout, "tau_syn", op.tauSyn); err != nil {
		return nil, err
	}
	if math.Abs(tm[1]-tm[0]) > 1e-6*tm[0] || math.Abs(ts[1]-ts[0]) > 1e-6*ts[0] {
		return nil, &DeployError{readout, fmt.Sprintf("time constants (τ_mem %g, τ_syn %g µs on the chip) differ from %s's (%g, %g µs); the chip is calibrated to one of each per run", tm[1], ts[1], hidden, tm[0], ts[0])}
	}
	t := hw.DefaultTargets()
	t.TauMem, t.TauSyn = tm[0], ts[0]
	if err := t.Check(); err != nil {
		return nil, &DeployError{hidden, fmt.Sprintf("time constants τ_mem %.4g µs, τ_syn %.4g µs on the chip (τ/dt × %g µs): %v", tm[0], ts[0], frame, strings.TrimPrefix(err.Error(), "hw: "))}
	}
	d.Targets = fmt.Sprintf("tau_mem=%.9g,tau_syn=%.9g", tm[0], ts[0])

	// Weights in model units: post neuron j's drive per unit weight is
	// (w_in·dt/τ_syn)(r·dt/τ_mem), over threshold − leak for spiking neurons.
	lim := float64(engine.HiddenWeightLimit) + 0.5/engine.HiddenScale
	scaleRows := func(node string, w []float64, pre int, p nparams, spiking bool, limited bool) ([]float32, error) {
		out := make([]float32, len(w))
		for j := range len(w) / pre {
			s := p.wIn[j] * d.Dt / p.tauSyn[j] * p.r[j] * d.Dt / p.tauMem[j]
			if spiking {
				s /= p.vTh[j] - p.vLeak[j]
			}
			for i := range pre {
				v := w[j*pre+i] * s
				if limited && !(math.Abs(v) <= lim) {
					return nil, &DeployError{node, fmt.Sprintf("weight %d→%d is %.4g in model units (threshold − leak = 1); the chip's limit is ±%.4f (code 63 at %g codes per unit)", i, j, v, engine.HiddenWeightLimit, float64(engine.HiddenScale))}
				}
				out[j*pre+i] = float32(v)
			}
		}
		return out, nil
	}
	l := engine.Layout{Inputs: I, Hidden: H, Outputs: O, Recurrent: rec != "", TauMem: tm[0], TauSyn: ts[0], Dt: frame, Steps: 2}
	if err := l.Check(); err != nil {
		return nil, &DeployError{hidden, err.Error()}
	}
	n := engine.Network{Layout: l}
	if n.In, err = scaleRows(fc1, win, I, hp, true, true); err != nil {
		return nil, err
	}
	if rec != "" {
		if n.Rec, err = scaleRows(rec, wrec, H, hp, true, true); err != nil {
			return nil, err
		}
	}
	if n.Out, err = scaleRows(fc2, wout, H, op, false, false); err != nil {
		return nil, err
	}
	d.Network = n
	return d, nil
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// isLoop reports whether node s leads straight back to from.
func isLoop(g *Graph, succ map[string][]string, s, from string) bool {
	return len(succ[s]) == 1 && succ[s][0] == from
}

// weights returns an Affine or Linear node's (out, in) weights; a bias
// must be zero (the chip has no bias input).
func weights(g *Graph, name string) ([]float64, int, int, error) {
	n := g.Nodes[name]
	w, shape, ok := n.Param("weight")
	if !ok || len(shape) != 2 {
		return nil, 0, 0, &DeployError{name, fmt.Sprintf("weight of shape %v, want (out, in)", shape)}
	}
	if b, _, ok := n.Param("bias"); ok {
		for _, x := range b {
			if x != 0 {
				return nil, 0, 0, &DeployError{name, fmt.Sprintf("bias %g: the chip has no bias input (biases must be 0)", x)}
			}
		}
	}
	for _, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, 0, 0, &DeployError{name, "weights not finite"}
		}
	}
	return w, shape[1], shape[0], nil
}

func shapeOf(n *Node) (int, bool) {
	s, _, ok := n.Param("shape")
	if !ok || len(s) != 1 {
		return 0, false
	}
	return int(s[0]), true
}

// nparams are a neuron node's parameters, one per neuron.
type nparams struct {
	tauMem, tauSyn, r, vLeak, vTh, wIn []float64
}

func neuronParams(g *Graph, name string, k int, spiking bool) (nparams, error) {
	n := g.Nodes[name]
	get := func(key string, def float64) ([]float64, error) {
		v, _, ok := n.Param(key)
		if !ok {
			if def != def {
				return nil, &DeployError{name, "no " + key}
			}
			v = []float64{def}
		}
		if len(v) == 1 && k > 1 {
			v = append(make([]float64, 0, k), v[0])
			for len(v) < k {
				v = append(v, v[0])
			}
		}
		if len(v) != k {
			return nil, &DeployError{name, fmt.Sprintf("%s has %d values for %d neurons", key, len(v), k)}
		}
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, &DeployError{name, key + " not finite"}
			}
		}
		return v, nil
	}
	var p nparams
	var err error
	nan := math.NaN()
	for _, f := range []struct {
		dst *[]float64
		key string
		def float64
	}{{&p.tauMem, "tau_mem", nan}, {&p.tauSyn, "tau_syn", nan}, {&p.r, "r", nan}, {&p.vLeak, "v_leak", nan}, {&p.wIn, "w_in", 1}} {
		if *f.dst, err = get(f.key, f.def); err != nil {
			return p, err
		}
	}
	for j := range k {
		if !(p.tauMem[j] > 0 && p.tauSyn[j] > 0) {
			return p, &DeployError{name, "time constants must be positive"}
		}
	}
	if spiking {
		if p.vTh, err = get("v_threshold", nan); err != nil {
			return p, err
		}
		reset, err := get("v_reset", 0)
		if err != nil {
			return p, err
		}
		for j := range k {
			d := p.vTh[j] - p.vLeak[j]
			if !(d > 0) {
				return p, &DeployError{name, fmt.Sprintf("neuron %d: v_threshold %g not above v_leak %g", j, p.vTh[j], p.vLeak[j])}
			}
			if math.Abs(reset[j]-p.vLeak[j]) > 1e-6*d {
				return p, &DeployError{name, fmt.Sprintf("neuron %d: v_reset %g differs from v_leak %g (the chip resets to its leak potential)", j, reset[j], p.vLeak[j])}
			}
		}
	}
	return p, nil
}

func metaString(m map[string]h5.Value, k string) (string, bool) {
	v, ok := m[k]
	if !ok || v.Kind != h5.String || len(v.Str) != 1 {
		return "", false
	}
	return v.Str[0], true
}

func metaFloat(m map[string]h5.Value, k string) float64 {
	v, ok := m[k]
	if !ok {
		return 0
	}
	f, ok := v.Floats()
	if !ok || len(f) != 1 {
		return 0
	}
	return f[0]
}
