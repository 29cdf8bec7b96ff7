package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
)

// moreEpochs is how many epochs the More key adds to a bounded run.
const moreEpochs = 10

// KeyMap is the app's one key map: Update matches against it and the help
// views are generated from it.
type KeyMap struct {
	Pause, Step, Save, More          key.Binding
	Slower, Faster                   key.Binding
	StartOver, Repeat, Overlay       key.Binding
	NewRun                           key.Binding // the new-run form
	Export                           key.Binding // the running network as NIR
	NextPane, PrevPane, Zoom, Escape key.Binding
	Up, Down, Prev, Next, Variant    key.Binding
	Layer, Neuron                    key.Binding // membrane and raster panes
	Smooth                           key.Binding // curves
	Param, Scale                     key.Binding // mismatch
	MapPath                          key.Binding // decision map
	Edit, Submit                     key.Binding
	Help, Quit, Interrupt            key.Binding
}

// DefaultKeyMap returns the bindings the app starts with.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Pause: key.NewBinding(key.WithKeys("space", "p"), key.WithHelp("space", "pause/resume")),
		Step:  key.NewBinding(key.WithKeys("n", "."), key.WithHelp("n", "one batch (paused)")),
		Save:  key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "save checkpoint")),
		// One help line for both pace keys (Faster is left out of FullHelp).
		Slower:    key.NewBinding(key.WithKeys("<", ","), key.WithHelp("</>", "pace slower/faster")),
		Faster:    key.NewBinding(key.WithKeys(">"), key.WithHelp(">", "pace faster")),
		StartOver: key.NewBinding(key.WithKeys("r"), key.WithHelp("r/R", "start over, seed+1/same")),
		// Repeat's help line is StartOver's.
		Repeat:   key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "start over (same seed)")),
		NewRun:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "new run (form)")),
		Overlay:  key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "hide previous run")),
		Export:   key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "export NIR")),
		More:     key.NewBinding(key.WithKeys("+"), key.WithHelp("+", fmt.Sprintf("%d more epochs", moreEpochs))),
		NextPane: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next pane")),
		PrevPane: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous pane")),
		Zoom:     key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom pane")),
		Escape:   key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "unzoom/cancel")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "previous row (die: row up)")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "next row (die: row down)")),
		Prev:     key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/h", "previous neuron/circuit")),
		Next:     key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→/l", "next neuron/circuit")),
		Param:    key.NewBinding(key.WithKeys("[", "]"), key.WithHelp("[/]", "parameter")),
		Scale:    key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "scale: state/all")),
		Variant:  key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "uncal/cal/current map")),
		Layer:    key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "hidden/output")),
		Neuron:   key.NewBinding(key.WithKeys("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("0-9", "neuron by number")),
		Smooth:   key.NewBinding(key.WithKeys("up", "down"), key.WithHelp("↑/↓", "smoothing")),
		MapPath:  key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "map: chip/model")),
		Edit:     key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit setting")),
		Submit:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "edit row/apply edit")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		// Interrupt quits even while a value is typed (where q is text).
		Interrupt: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// paneKeys are the bindings of one focused pane, for the short help.
func (k KeyMap) paneKeys(p pane) []key.Binding {
	switch p {
	case paneTraces, paneRaster:
		return []key.Binding{k.Prev, k.Next, k.Layer, k.Neuron}
	case paneMismatch:
		return []key.Binding{k.Prev, k.Next, k.Param, k.Variant, k.Scale}
	case paneCurves:
		return []key.Binding{k.Smooth}
	case paneMap:
		return []key.Binding{k.MapPath}
	case paneParams:
		return []key.Binding{k.Up, k.Down, k.Edit}
	}
	return nil
}

// ShortHelp implements help.KeyMap: the bindings that fit one line.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Pause, k.Step, k.NextPane, k.Zoom, k.Edit, k.Save, k.Help, k.Quit}
}

// FullHelp implements help.KeyMap: every binding, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Pause, k.Step, k.Slower, k.More, k.StartOver, k.Overlay, k.Save, k.Export, k.Quit},
		{k.NextPane, k.PrevPane, k.Zoom, k.Escape, k.Help},
		{k.Up, k.Down, k.Prev, k.Next, k.Layer, k.Neuron, k.Smooth},
		{k.Param, k.Variant, k.Scale, k.MapPath},
		{k.Edit, k.Submit, k.NewRun},
	}
}
