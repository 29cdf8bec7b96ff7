package tui

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"inloop/engine"
	"inloop/tui/plot"
)

// pane names a part of the screen that can take focus.
type pane int

// The panes in screen order (left to right, top to bottom), which is the
// order tab moves the focus in.
const (
	paneRaster pane = iota
	paneTraces
	paneCurves
	paneMismatch
	paneMap
	paneParams
	numPanes
)

var paneTitles = [numPanes]string{"spikes", "membrane", "curves", "mismatch", "map", "settings"}

// Timing of the event subscription and of quitting.
const (
	// frameInterval caps how often events are taken in (and so how often
	// the screen changes because of training): about 15 frames per second.
	frameInterval = time.Second / 15
	// quitWait is how long quitting waits for the run's DoneEvent after
	// asking it to stop (it writes a checkpoint first).
	quitWait = 5 * time.Second
)

// Model is one instance of the app: one terminal or SSH session watching
// and steering a run. All its state is changed only by Update, on the
// program's goroutine; the run is reached only through its Source.
type Model struct {
	src  Source
	opts Options

	events *engine.Stream

	keys   KeyMap
	help   help.Model
	styles *Styles
	dark   bool

	width, height int
	focus         pane
	lastPlot      pane // the plot shown beside the settings in the compact layout
	lastChip      pane // mismatch or map: which shares the mid layout's slot
	zoom          bool
	showHelp      bool

	state runState

	neuron neuronChoice // the neuron the membrane pane shows
	smooth int          // curves: index in smoothLevels
	// mapSoftware shows the software model's decision map, not the chip's.
	mapSoftware bool
	param       int // selected mismatch parameter
	circuit     int // mismatch: the circuit under the inspector's cursor
	// sharedScale: one colour scale over the three mismatch states.
	sharedScale bool
	die         dieGeometry // where the die was drawn, for the mouse
	variant     int         // mismatch map: 0 uncalibrated, 1 calibrated, 2 current
	row         int         // selected settings row

	editing bool
	input   textinput.Model
	editErr string
	pend    []pending   // by settings row
	form    *newRunForm // the new-run form, while open

	flash    string // one-line message until the next key
	flashBad bool
	quitting bool
	// exportPending: the export key saved a checkpoint; export once it is written.
	exportPending bool

	interval time.Duration // event intake interval; 0 in tests

	// render cache: the frame is redrawn only after Update changed something.
	grid            plot.Grid
	frame           string
	dirty           bool
	lay             layout
	scratch         []float64
	smoothed, quant []float64 // curves: the smoothed line, sorted raw points
}

// New returns the app for one terminal or session, watching src.
func New(src Source, opts Options) tea.Model { return newModel(src, opts) }

func newModel(src Source, opts Options) *Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 120
	h := help.New()
	h.Styles = help.Styles{} // plain text: the app draws it in its own style
	return &Model{
		src:      src,
		opts:     opts,
		keys:     DefaultKeyMap(),
		help:     h,
		dark:     true,
		styles:   NewStyles(colorprofile.ANSI256, true),
		width:    80,
		height:   24,
		input:    in,
		variant:  2,
		interval: frameInterval,
		dirty:    true,
		pend:     make([]pending, len(settings)),
		smooth:   defaultSmooth,
	}
}

// eventsMsg carries the events that arrived since the last one, oldest
// first; closed says the stream ended.
type eventsMsg struct {
	events []engine.Event
	closed bool
}

// quitTimeoutMsg ends the wait for the run's DoneEvent when quitting.
type quitTimeoutMsg struct{}

// waitForEvents waits delay (the frame budget), then for at least one
// event, and takes everything queued at that moment, so a burst of events
// costs one Update and one frame and the app is never more than a frame
// behind the run. Update re-arms it after each message.
func waitForEvents(s *engine.Stream, delay time.Duration) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		if delay > 0 {
			time.Sleep(delay)
		}
		evs, ended := s.Wait()
		return eventsMsg{events: evs, closed: ended}
	}
}

// Init implements tea.Model: it subscribes to the run and asks for the
// terminal's background colour.
func (m *Model) Init() tea.Cmd {
	if m.src != nil && m.events == nil {
		m.events = m.src.Subscribe()
	}
	return tea.Batch(waitForEvents(m.events, 0), tea.RequestBackgroundColor)
}

// View implements tea.Model. The frame is drawn into a cell grid that is
// exactly the terminal's size, and redrawn only when Update changed state.
func (m *Model) View() tea.View {
	if m.dirty || m.frame == "" {
		m.render()
		m.dirty = false
	}
	v := tea.NewView(m.frame)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "inloop"
	return v
}

// unsubscribe ends the event stream (idempotent).
func (m *Model) unsubscribe() {
	if m.events != nil {
		m.events.Cancel()
	}
}
