package hw

import "fmt"

// ConfigError is a configuration the silicon cannot realise. Limit names the
// violated constraint (inputs, neurons, size, range, weight, fan-in,
// row-pair, duplicate, projection).
type ConfigError struct {
	Limit string
	Msg   string
}

func (e *ConfigError) Error() string { return "hw: " + e.Msg }

func configErr(limit, format string, a ...any) error {
	return &ConfigError{Limit: limit, Msg: fmt.Sprintf(format, a...)}
}

// Routing. A logical neuron owns 2 synapse columns × 128 row pairs = 256
// signed source slots: slot s lies in column s/128 (first or second circuit)
// and row pair s%128 (excitatory row 2·(s%128), inhibitory row 2·(s%128)+1).
// A row pair is driven for all columns of an array at once, so slots are
// assigned per source: external input i uses slot i, logical neuron j uses
// slot (Inputs+j) mod 256; the synapses' 6-bit labels tell apart the sources
// that share a row pair. Every source of one neuron must sit on its own slot.
const slotsPerColumn = Rows / 2

// slotOf returns the source slot of an external input or a logical neuron.
func slotOf(inputs int, external bool, index int) int {
	if external {
		return index
	}
	return (inputs + index) % MaxFanIn
}

// placedProj is a projection as placed: its weights and the synaptic-current
// jumps they cause (source-major), including all gains and mismatch.
type placedProj struct {
	Projection
	eff []float32 // eff[pre*PostSize+post], LSB/µs per spike
}

// placement is a validated network on the chip.
type placement struct {
	inputs, neurons int
	integrators     Population
	projs           []placedProj
	inputOut        [][]int32 // projections fed by each external input
	neuronOut       [][]int32 // projections fed by each logical neuron
}

// Configure validates n and places it on the chip. The weights are copied.
func (c *Chip) Configure(n Network) error {
	if n.Inputs < 0 || n.Inputs > MaxFanIn {
		return configErr("inputs", "%d external input channels; the chip routes at most %d (one per row pair slot)", n.Inputs, MaxFanIn)
	}
	if n.Neurons < 1 || n.Neurons > LogicalNeurons {
		return configErr("neurons", "%d logical neurons; the chip has 1 to %d (128 per hemisphere, 2 circuits each)", n.Neurons, LogicalNeurons)
	}
	if in := n.Integrators; in.Size != 0 && (in.External || in.Size < 0 || in.Offset < 0 || in.Offset+in.Size > n.Neurons) {
		return configErr("range", "integrators %d..%d must be logical neurons within 0..%d", in.Offset, in.Offset+in.Size-1, n.Neurons-1)
	}
	fanIn := make([]int, n.Neurons)
	for i, p := range n.Projections {
		if err := checkProjection(n, i, p); err != nil {
			return err
		}
		for post := p.PostOffset; post < p.PostOffset+p.PostSize; post++ {
			fanIn[post] += p.Pre.Size
		}
	}
	for post, f := range fanIn {
		if f > MaxFanIn {
			return configErr("fan-in", "fan-in of neuron %d is %d sources; the chip allows at most %d", post, f, MaxFanIn)
		}
	}
	// owner[post*256+slot] is the source on that slot: 1+input or −1−neuron.
	owner := make([]int32, n.Neurons*MaxFanIn)
	for i, p := range n.Projections {
		for post := p.PostOffset; post < p.PostOffset+p.PostSize; post++ {
			for k := 0; k < p.Pre.Size; k++ {
				src := p.Pre.Offset + k
				id := int32(-1 - src)
				if p.Pre.External {
					id = int32(1 + src)
				}
				s := slotOf(n.Inputs, p.Pre.External, src)
				switch prev := owner[post*MaxFanIn+s]; {
				case prev == 0:
					owner[post*MaxFanIn+s] = id
				case prev == id:
					return configErr("duplicate", "projection %d connects %s to neuron %d a second time; a synapse holds one weight", i, sourceName(p.Pre.External, src), post)
				default:
					return configErr("row-pair", "neuron %d receives %s and %s on the same row pair slot %d; sources of one neuron need distinct slots (input i uses slot i, neuron j slot (Inputs+j) mod 256)",
						post, sourceName(prev > 0, sourceIndex(prev)), sourceName(p.Pre.External, src), s)
				}
			}
		}
	}
	pl := &placement{inputs: n.Inputs, neurons: n.Neurons, integrators: n.Integrators,
		inputOut: make([][]int32, n.Inputs), neuronOut: make([][]int32, n.Neurons)}
	for i, p := range n.Projections {
		w := make([]int8, len(p.Weights))
		copy(w, p.Weights)
		p.Weights = w
		pl.projs = append(pl.projs, placedProj{Projection: p, eff: make([]float32, len(w))})
		for k := 0; k < p.Pre.Size; k++ {
			src := p.Pre.Offset + k
			if p.Pre.External {
				pl.inputOut[src] = append(pl.inputOut[src], int32(i))
			} else {
				pl.neuronOut[src] = append(pl.neuronOut[src], int32(i))
			}
		}
	}
	c.net = pl
	c.model = nil
	return nil
}

func sourceIndex(id int32) int {
	if id > 0 {
		return int(id - 1)
	}
	return int(-1 - id)
}

func sourceName(external bool, i int) string {
	if external {
		return fmt.Sprintf("input %d", i)
	}
	return fmt.Sprintf("neuron %d", i)
}

func checkProjection(n Network, i int, p Projection) error {
	if p.Pre.Size < 1 || p.Pre.Offset < 0 {
		return configErr("size", "projection %d has source range offset %d size %d; need offset ≥ 0 and size ≥ 1", i, p.Pre.Offset, p.Pre.Size)
	}
	limit, what := n.Neurons, "logical neurons"
	if p.Pre.External {
		limit, what = n.Inputs, "external inputs"
	}
	if p.Pre.Offset+p.Pre.Size > limit {
		return configErr("range", "projection %d reads sources %d..%d but the network has %d %s", i, p.Pre.Offset, p.Pre.Offset+p.Pre.Size-1, limit, what)
	}
	if p.PostSize < 1 || p.PostOffset < 0 || p.PostOffset+p.PostSize > n.Neurons {
		return configErr("range", "projection %d targets neurons %d..%d but the network has %d logical neurons", i, p.PostOffset, p.PostOffset+p.PostSize-1, n.Neurons)
	}
	return checkWeights(i, p.Weights, p.PostSize*p.Pre.Size)
}

func checkWeights(i int, w []int8, want int) error {
	if len(w) != want {
		return configErr("size", "projection %d has %d weights; its shape needs PostSize×Pre.Size = %d", i, len(w), want)
	}
	for k, x := range w {
		if x < -MaxWeight || x > MaxWeight {
			return configErr("weight", "projection %d weight %d is %d; 6-bit signed weights lie in −%d..%d", i, k, x, MaxWeight, MaxWeight)
		}
	}
	return nil
}

// SetWeights rewrites the weights of projection proj (post-major, as in
// Projection.Weights), with the same checks as Configure.
func (c *Chip) SetWeights(proj int, w []int8) error {
	if c.net == nil {
		return configErr("projection", "no network is configured")
	}
	if proj < 0 || proj >= len(c.net.projs) {
		return configErr("projection", "projection %d does not exist; the network has %d", proj, len(c.net.projs))
	}
	p := &c.net.projs[proj]
	if err := checkWeights(proj, w, p.PostSize*p.Pre.Size); err != nil {
		return err
	}
	copy(p.Weights, w)
	if c.model != nil {
		c.fillEff(p)
	}
	return nil
}

// fillEff turns the weights of p into synaptic-current jumps: weight ×
// SynapticCurrentPerWeight × the circuit's synaptic gain × the gain of the
// synapse used (excitatory row for w > 0, inhibitory row for w < 0).
func (c *Chip) fillEff(p *placedProj) {
	gain := &c.model.synGain
	for post := 0; post < p.PostSize; post++ {
		n := p.PostOffset + post
		a, _ := circuitsOf(n)
		h := a / Columns
		for k := 0; k < p.Pre.Size; k++ {
			w := p.Weights[post*p.Pre.Size+k]
			if w == 0 {
				p.eff[k*p.PostSize+post] = 0
				continue
			}
			s := slotOf(c.net.inputs, p.Pre.External, p.Pre.Offset+k)
			circ := a + s/slotsPerColumn
			row := 2 * (s % slotsPerColumn)
			if w < 0 {
				row++
			}
			g := float64(c.die.synapse[h][row][circ-h*Columns]) * gain[circ]
			p.eff[k*p.PostSize+post] = float32(float64(w) * SynapticCurrentPerWeight * g)
		}
	}
}
