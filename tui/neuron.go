package tui

import (
	"fmt"
	"math"
	"strconv"

	tea "charm.land/bubbletea/v2"

	"inloop/engine"
)

// neuronChoice is the neuron the membrane pane shows and the raster marks:
// a layer and an index in it. The app picks one with the first sample (the
// first hidden neuron to spike); after that only the user changes it.
type neuronChoice struct {
	output bool // an output neuron, else a hidden one
	index  int
	set    bool
	typing bool   // a number is being typed
	typed  string // the digits so far
}

func (c neuronChoice) layer() string {
	if c.output {
		return "output"
	}
	return "hidden"
}

// layerSize is how many neurons the sample's layer of c has.
func layerSize(e *engine.SampleEvent, output bool) int {
	if output {
		return e.Outputs
	}
	return e.Hidden
}

// pickDefault chooses the first neuron to show, once: the hidden neuron
// that spiked first in the first sample, or hidden 0.
func (c *neuronChoice) pickDefault(e *engine.SampleEvent) {
	if c.set {
		return
	}
	c.set = true
	best := math.Inf(1)
	for _, s := range e.HiddenSpikes {
		if s.Time < best {
			best, c.index = s.Time, s.Index
		}
	}
}

// step moves the choice by d within its layer, wrapping.
func (c *neuronChoice) step(e *engine.SampleEvent, d int) {
	n := layerSize(e, c.output)
	if n == 0 {
		return
	}
	c.index = ((c.index+d)%n + n) % n
}

// toggleLayer switches between hidden and output, keeping the index where
// the other layer has it.
func (c *neuronChoice) toggleLayer(e *engine.SampleEvent) {
	c.output = !c.output
	if n := layerSize(e, c.output); c.index >= n {
		c.index = max(n-1, 0)
	}
}

// selectedProbe is the probe of the chosen neuron, if the sample has it.
func (m *Model) selectedProbe() *engine.ProbeTrace {
	if !m.state.hasSample {
		return nil
	}
	layer := m.neuron.layer()
	for i := range m.state.sample.Probes {
		if p := &m.state.sample.Probes[i]; p.Layer == layer && p.Index == m.neuron.index {
			return p
		}
	}
	return nil
}

// neuronKey handles a key while a neuron number is typed: digits, backspace,
// enter to choose, esc to cancel. A number beyond the layer is refused with
// the accepted range, and the typed digits stay.
func (m *Model) neuronKey(msg tea.KeyPressMsg) tea.Cmd {
	c := &m.neuron
	switch k := msg.String(); {
	case k == "ctrl+c":
		c.typing = false
		return m.quit()
	case k == "esc":
		c.typing, c.typed = false, ""
		m.flash = ""
	case k == "backspace":
		if n := len(c.typed); n > 0 {
			c.typed = c.typed[:n-1]
		}
	case k == "enter":
		n := layerSize(&m.state.sample, c.output)
		i, err := strconv.Atoi(c.typed)
		if err != nil || i >= n {
			m.setFlash(fmt.Sprintf("%s %s: not a neuron of this network (accepted: 0 to %d)", c.layer(), c.typed, n-1), true)
			return nil
		}
		c.index, c.set, c.typing, c.typed = i, true, false, ""
		m.flash = ""
	case len(k) == 1 && k[0] >= '0' && k[0] <= '9' && len(c.typed) < 4:
		c.typed += k
	}
	return nil
}

// isDigitKey reports whether msg is a plain digit, which starts typing a
// neuron number in the membrane and raster panes.
func isDigitKey(msg tea.KeyPressMsg) bool {
	k := msg.String()
	return len(k) == 1 && k[0] >= '0' && k[0] <= '9'
}
