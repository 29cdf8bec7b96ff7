package tui

import (
	"net/url"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"inloop/engine"
	"inloop/tui/plot"
)

// newRunForm is the new-run form: one text field per engine.NewRunFields,
// each checked by its flag's rule (engine.CheckNewRunField).
type newRunForm struct {
	inputs []textinput.Model
	errs   []string // by field: why the kept text is refused
	focus  int
}

// newRunLabels and newRunHints are the form's words for each field of
// engine.NewRunFields, in its order.
var (
	newRunLabels = []string{"dataset", "data dir", "mode", "chip seed", "calibration", "hidden", "epochs"}
	newRunHints  = []string{"", "empty: $INLOOP_DATA_DIR", "chip, software or transfer", "a whole number ≥ 0", "calibrated or uncalibrated", "empty: the dataset's", "empty: no end"}
)

// runValues are the new-run fields of the run in progress, as far as the
// app knows: the start's (Options.NewRun), then each RunEvent's, with the
// mode, die and chip state of the latest progress.
func (m *Model) runValues() map[string]string {
	v := map[string]string{}
	for k, x := range m.opts.NewRun {
		v[k] = x
	}
	if v["dataset"] == "" {
		v["dataset"] = m.opts.Dataset
	}
	if p := &m.state.progress; m.state.hasProgress {
		v["mode"] = string(p.Mode)
		v["chip-seed"] = strconv.FormatUint(p.ChipSeed, 10)
		v["calibration"] = "calibrated"
		if strings.HasPrefix(p.Calibration, "uncalibrated") {
			v["calibration"] = "uncalibrated"
		}
		v["epochs"] = ""
		if p.Epochs > 0 {
			v["epochs"] = strconv.Itoa(p.Epochs)
		}
	}
	return v
}

// takeRunEvent records what a new run in the session is, for the status
// bar and the next form.
func (m *Model) takeRunEvent(e engine.RunEvent) {
	cfg := engine.Config{Dataset: e.Dataset, DataDir: e.DataDir, Hidden: e.Hidden}
	ev := engine.NewRunValues(cfg)
	v := map[string]string{"dataset": e.Dataset, "data-dir": e.DataDir, "hidden": ev["hidden"]}
	m.opts.Dataset, m.opts.NewRun = e.Dataset, v // a new map: Options may be shared
}

// openNewRun opens the form prefilled with the current run's values.
func (m *Model) openNewRun() {
	if m.opts.ReadOnly {
		m.setFlash("read-only: "+m.opts.ReadOnlyReason, true)
		return
	}
	v := m.runValues()
	f := &newRunForm{errs: make([]string, len(engine.NewRunFields))}
	for _, name := range engine.NewRunFields {
		in := textinput.New()
		in.Prompt = ""
		in.CharLimit = 300
		in.SetValue(v[name])
		in.CursorEnd()
		f.inputs = append(f.inputs, in)
	}
	f.inputs[0].Focus()
	m.form = f
}

// formKey handles a key while the form is open: the field keys move, enter
// checks every field and starts the run, esc cancels; anything else edits
// the focused field.
func (m *Model) formKey(msg tea.KeyPressMsg) tea.Cmd {
	f, k := m.form, m.keys
	switch {
	case key.Matches(msg, k.Interrupt):
		m.form = nil
		return m.quit()
	case key.Matches(msg, k.Escape):
		m.form = nil
		m.setFlash("new run cancelled: the run goes on", false)
		return nil
	case key.Matches(msg, k.NextPane), msg.String() == "down":
		f.move(m, 1)
		return nil
	case key.Matches(msg, k.PrevPane), msg.String() == "up":
		f.move(m, -1)
		return nil
	case key.Matches(msg, k.Submit):
		values := map[string]string{}
		first := -1
		for i, name := range engine.NewRunFields {
			values[name] = f.inputs[i].Value()
			if f.check(i) && first < 0 {
				first = i
			}
		}
		if first >= 0 {
			f.setFocus(first)
			return nil
		}
		c, err := engine.NewRunCommand(values)
		if err != nil { // checked field by field above
			m.setFlash(err.Error(), true)
			return nil
		}
		m.form = nil
		if m.send(c) {
			m.setFlash("starting a new "+values["dataset"]+" run…", false)
		}
		return nil
	}
	f.inputs[f.focus], _ = f.inputs[f.focus].Update(msg)
	f.errs[f.focus] = ""
	return nil
}

// check checks field i and records why it is refused; it reports a refusal.
func (f *newRunForm) check(i int) bool {
	_, err := engine.CheckNewRunField(engine.NewRunFields[i], f.inputs[i].Value())
	f.errs[i] = ""
	if err != nil {
		// The kept text stands beside the reason: say it once.
		v := strings.TrimSpace(f.inputs[i].Value())
		r := err.Error()
		for _, p := range []string{strconv.Quote(v) + " ", v + " "} {
			if v != "" && strings.HasPrefix(r, p) {
				r = r[len(p):]
				break
			}
		}
		f.errs[i] = r
	}
	return err != nil
}

// move checks the field left and focuses the next one (d = ±1).
func (f *newRunForm) move(m *Model, d int) {
	f.check(f.focus)
	n := len(f.inputs)
	f.setFocus(((f.focus+d)%n + n) % n)
}

func (f *newRunForm) setFocus(i int) {
	f.inputs[f.focus].Blur()
	f.focus = i
	f.inputs[i].Focus()
}

// drawNewRun draws the form as a box over the panes.
func (m *Model) drawNewRun(area plot.Rect) {
	g, s, f := &m.grid, m.styles, m.form
	h := len(f.inputs) + 4
	w := min(area.W-2, 140)
	if w < 30 || area.H < h {
		g.Text(area.X, area.Y, "enlarge the terminal for the new-run form (esc cancels)", s.Warn, area.W)
		return
	}
	r := plot.Rect{X: area.X + (area.W-w)/2, Y: area.Y + (area.H-h)/2, W: w, H: h}
	g.Fill(r, ' ', s.Text)
	g.Box(r, "new run · enter starts it · esc cancels", s.BorderFocus, s.TitleFocus)
	in := r.Inset(1)
	labelW, fieldW := 12, min(30, in.W/3)
	for i := range f.inputs {
		y := in.Y + 1 + i
		st := s.Text
		if i == f.focus {
			st = s.Accent
		}
		g.Text(in.X+1, y, newRunLabels[i], st, labelW)
		x := in.X + 2 + labelW
		m.drawFormInput(&f.inputs[i], i == f.focus, x, y, fieldW)
		x += fieldW + 2
		switch {
		case f.errs[i] != "":
			g.Text(x, y, "✗ "+f.errs[i], s.Bad, in.X+in.W-x)
		case i == f.focus && newRunHints[i] != "":
			g.Text(x, y, newRunHints[i], s.Dim, in.X+in.W-x)
		}
	}
	g.Text(in.X+1, in.Y+in.H-1, "the previous run's curves stay faded (o hides them); with --run-dir the new run gets its own directory", s.Dim, in.W-2)
}

// drawFormInput draws a field's text; the focused one with its cursor.
func (m *Model) drawFormInput(in *textinput.Model, focused bool, x, y, w int) {
	g, s := &m.grid, m.styles
	val := []rune(in.Value())
	pos := min(in.Position(), len(val))
	start := max(0, pos-(w-1))
	st := s.Text
	if focused {
		st = s.Input
	}
	g.Fill(plot.Rect{X: x, Y: y, W: w, H: 1}, ' ', st)
	for i := start; i < len(val) && i-start < w; i++ {
		g.Set(x+i-start, y, val[i], st)
	}
	if focused {
		cur := ' '
		if pos < len(val) {
			cur = val[pos]
		}
		g.Set(x+pos-start, y, cur, s.Cursor)
	}
}

// newRunLabel names a new-run command by its dataset: "new run mnist".
func newRunLabel(c engine.Command) string {
	q, err := url.ParseQuery(c.Value)
	if err != nil || q.Get("dataset") == "" {
		return "new run"
	}
	return "new run " + q.Get("dataset")
}
