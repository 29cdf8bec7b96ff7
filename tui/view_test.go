package tui

import (
	"fmt"
	"image/color"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/golden"
)

// TestViewGolden pins whole frames at fixed sizes and colour profiles
// (256 colours and none), and in the states a user reaches with keys.
func TestViewGolden(t *testing.T) {
	profiles := map[string]colorprofile.Profile{"ansi256": colorprofile.ANSI256, "ascii": colorprofile.ASCII, "ansi16": colorprofile.ANSI}
	for _, name := range []string{"ansi256", "ascii", "ansi16"} {
		for _, sz := range [][2]int{{80, 24}, {200, 60}} {
			t.Run(fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
				m, _ := newTestModel(sz[0], sz[1], profiles[name], Options{Dataset: "yinyang"})
				out := m.View().Content
				checkFits(t, out, sz[0], sz[1])
				golden.RequireEqual(t, out)
			})
		}
	}
	// A light background rebuilds the styles (darker colours on white).
	t.Run("light_ansi256_80x24", func(t *testing.T) {
		m, _ := newTestModel(80, 24, colorprofile.ANSI256, Options{Dataset: "yinyang"})
		m.Update(tea.BackgroundColorMsg{Color: color.White})
		if m.styles.Dark {
			t.Fatal("styles still dark after a light background was reported")
		}
		out := m.View().Content
		checkFits(t, out, 80, 24)
		golden.RequireEqual(t, out)
	})
	states := map[string]func(m *Model){
		"edit_error": func(m *Model) {
			press(m, "e")
			clearInput(m)
			typeText(m, "2")
			press(m, "enter")
		},
		"help":           func(m *Model) { press(m, "?") },
		"zoom_membrane":  func(m *Model) { press(m, "tab", "z") },
		"mismatch_uncal": func(m *Model) { press(m, "tab", "tab", "right", "right", "v") },
		"curves":         func(m *Model) { press(m, "shift+tab", "shift+tab") },
	}
	for name, prep := range states {
		t.Run(name, func(t *testing.T) {
			m, _ := newTestModel(80, 24, colorprofile.ASCII, Options{Dataset: "yinyang"})
			prep(m)
			out := m.View().Content
			checkFits(t, out, 80, 24)
			golden.RequireEqual(t, out)
		})
	}
}

// TestPaneGolden pins every pane at the sizes people use, in true colour,
// 16 colours and without colour: where the layout shows one pane at a time
// (80×24 compact, 100×30 shares a slot) a frame per focused pane, else one
// frame that holds them all.
func TestPaneGolden(t *testing.T) {
	profiles := []struct {
		name string
		p    colorprofile.Profile
	}{{"truecolor", colorprofile.TrueColor}, {"ansi16", colorprofile.ANSI}, {"nocolor", colorprofile.ASCII}}
	for _, pr := range profiles {
		for _, sz := range [][2]int{{80, 24}, {100, 30}, {120, 40}, {200, 60}} {
			panes := []pane{paneRaster}
			if sz[0] < gridW || sz[1] < gridH {
				panes = []pane{paneRaster, paneTraces, paneCurves, paneMismatch, paneMap, paneParams}
			}
			for _, p := range panes {
				name := fmt.Sprintf("%s_%dx%d_%s", pr.name, sz[0], sz[1], paneTitles[p])
				if len(panes) == 1 {
					name = fmt.Sprintf("%s_%dx%d_all", pr.name, sz[0], sz[1])
				}
				t.Run(name, func(t *testing.T) {
					m, _ := newTestModel(sz[0], sz[1], pr.p, Options{Dataset: "yinyang"})
					m.setFocus(p)
					out := m.View().Content
					checkFits(t, out, sz[0], sz[1])
					golden.RequireEqual(t, out)
				})
			}
		}
	}
}
