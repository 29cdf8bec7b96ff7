package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"inloop/tui/plot"
)

// Styles is one instance's palette: the plot styles of every element, built
// for a colour profile and a light or dark background. Where the profile has
// no colour, elements differ by attributes (bold, faint, reverse) and glyphs.
type Styles struct {
	Palette plot.Palette
	Profile colorprofile.Profile
	Dark    bool

	Text, Dim, Bold, Accent, Good, Bad, Warn  plot.Style
	Border, BorderFocus, Title, TitleFocus    plot.Style
	Axis, Label                               plot.Style
	Status, StatusKey, StatusRun, StatusPause plot.Style
	Selected, Cursor, Input                   plot.Style

	Train, Test, Marker                plot.Style // curves
	True, CADC, Threshold, Leak, Spike plot.Style // membrane traces
	Input0, Hidden                     plot.Style // raster populations
	Class                              [6]plot.Style
	// Decision map: each class's region (a dark shade of its colour behind
	// the cell), and a test point of class j over the region of class i.
	Region [6]plot.Style
	Point  [6][6]plot.Style
	Ramp   plot.Ramp // heatmap scale, low to high
	NaN    plot.Cell // failed circuits
}

// colour choices: a dark and a light variant of each, and the basic colour
// a 16-colour terminal gets (chosen, not converted: conversion sends
// several of these to the same bright red).
type shade struct{ dark, light, basic string }

var (
	cText   = shade{"#d0d0d0", "#303030", "7"}
	cDim    = shade{"#808080", "#8a8a8a", "8"}
	cAccent = shade{"#5fafff", "#005fd7", "12"}
	cGood   = shade{"#5fd75f", "#008700", "10"}
	cBad    = shade{"#ff5f5f", "#d70000", "9"}
	cWarn   = shade{"#ffd75f", "#af8700", "11"}
	cStatBg = shade{"#303a4a", "#d0d8e8", "0"}
	cSelBg  = shade{"#3a3a3a", "#e4e4e4", "8"}
	cTrain  = shade{"#5fafff", "#005fd7", "12"}
	cTest   = shade{"#ff875f", "#d75f00", "13"}
	cTrue   = shade{"#8a8a8a", "#9e9e9e", "7"}
	cCADC   = shade{"#5fd7ff", "#0087af", "14"}
	cInput  = shade{"#ffaf5f", "#af5f00", "3"}
	cHidden = shade{"#87d787", "#008700", "2"}
	cClass  = [6]shade{{"#ff5f87", "#d7005f", "9"}, {"#5fafff", "#005fd7", "12"}, {"#ffd75f", "#af8700", "11"}, {"#af87ff", "#5f00d7", "13"}, {"#5fd7af", "#00875f", "10"}, {"#ff875f", "#d75f00", "14"}}
	// viridis stops for the heatmap (readable on dark and light).
	viridis = []string{"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"}
	// ramp16 are distinct basic colours for 16-colour terminals, cold to warm.
	ramp16 = []string{"4", "12", "6", "2", "10", "3", "11", "9"}
	// densityRamp stands in for colour where there is none.
	densityRamp = []rune{'·', '░', '▒', '▓', '█'}
)

// NewStyles builds the styles for a colour profile and background.
func NewStyles(p colorprofile.Profile, dark bool) *Styles {
	s := &Styles{Profile: p, Dark: dark}
	b := styleBuilder{s: s}
	pick := func(c shade) color.Color {
		if p == colorprofile.ANSI && c.basic != "" {
			return lipgloss.Color(c.basic)
		}
		if dark {
			return lipgloss.Color(c.dark)
		}
		return lipgloss.Color(c.light)
	}
	fg := func(c shade) plot.Style { return b.add(pick(c), nil, 0) }
	s.Text = fg(cText)
	s.Dim = b.add(pick(cDim), nil, attrFaint)
	s.Bold = b.add(pick(cText), nil, attrBold)
	s.Accent = b.add(pick(cAccent), nil, attrBold)
	s.Good = b.add(pick(cGood), nil, attrBold)
	s.Bad = b.add(pick(cBad), nil, attrBold)
	s.Warn = b.add(pick(cWarn), nil, 0)
	s.Border = b.add(pick(cDim), nil, attrFaint)
	s.BorderFocus = b.add(pick(cAccent), nil, attrBold)
	s.Title = b.add(pick(cText), nil, 0)
	s.TitleFocus = b.add(pick(cAccent), nil, attrBold)
	s.Axis = b.add(pick(cDim), nil, attrFaint)
	s.Label = b.add(pick(cDim), nil, 0)
	s.Status = b.add(pick(cText), pick(cStatBg), attrReverseIfPlain)
	s.StatusKey = b.add(pick(cAccent), pick(cStatBg), attrBold|attrReverseIfPlain)
	s.StatusRun = b.add(pick(cGood), pick(cStatBg), attrBold|attrReverseIfPlain)
	s.StatusPause = b.add(pick(cWarn), pick(cStatBg), attrBold|attrReverseIfPlain)
	s.Selected = b.add(pick(cText), pick(cSelBg), attrBold)
	s.Cursor = b.add(nil, nil, attrReverse)
	s.Input = b.add(pick(cAccent), pick(cSelBg), attrUnderline)
	s.Train = fg(cTrain)
	s.Test = b.add(pick(cTest), nil, attrBold)
	s.Marker = b.add(pick(cBad), nil, attrBold)
	s.True = b.add(pick(cTrue), nil, attrFaint)
	s.CADC = b.add(pick(cCADC), nil, attrBold)
	s.Threshold = fg(cBad)
	s.Leak = fg(cWarn)
	s.Spike = b.add(pick(cBad), nil, attrBold)
	s.Input0 = fg(cInput)
	s.Hidden = fg(cHidden)
	for i, c := range cClass {
		s.Class[i] = b.add(pick(c), nil, attrBold)
	}
	for i, ci := range cClass {
		// A region is the class colour mixed into the background, so points
		// in full colour stand out on it.
		bg := mix(pick(ci), dark, 0.35)
		if p == colorprofile.ANSI {
			bg = pick(ci) // 16 colours have no shades to mix
		}
		s.Region[i] = b.add(pick(cText), bg, 0)
		for j, cj := range cClass {
			fg := pick(cj)
			if p == colorprofile.ANSI {
				fg = lipgloss.Color("0") // black on the basic colours
			}
			s.Point[i][j] = b.add(fg, bg, attrBold)
		}
	}
	switch {
	case p >= colorprofile.ANSI256:
		for _, c := range lipgloss.Blend1D(12, colors(viridis)...) {
			s.Ramp.Levels = append(s.Ramp.Levels, plot.Cell{R: '█', S: b.add(c, nil, 0)})
		}
	case p == colorprofile.ANSI:
		for _, c := range ramp16 {
			s.Ramp.Levels = append(s.Ramp.Levels, plot.Cell{R: '█', S: b.add(lipgloss.Color(c), nil, 0)})
		}
	default:
		for _, r := range densityRamp {
			s.Ramp.Levels = append(s.Ramp.Levels, plot.Cell{R: r, S: s.Text})
		}
	}
	s.NaN = plot.Cell{R: '×', S: s.Bad}
	return s
}

func colors(hex []string) []color.Color {
	out := make([]color.Color, len(hex))
	for i, h := range hex {
		out[i] = lipgloss.Color(h)
	}
	return out
}

// ClassStyle is the style of output class i.
func (s *Styles) ClassStyle(i int) plot.Style {
	if i < 0 {
		i = -i
	}
	return s.Class[i%len(s.Class)]
}

type attr uint8

const (
	attrBold attr = 1 << iota
	attrFaint
	attrReverse
	attrUnderline
	attrReverseIfPlain // reverse video where there is no colour (status bars)
)

// styleBuilder turns colours and attributes into palette entries for the
// profile: colours converted down, dropped where there are none, and no
// sequences at all for NoTTY.
type styleBuilder struct{ s *Styles }

func (b styleBuilder) add(fg, bg color.Color, a attr) plot.Style {
	p := b.s.Profile
	if p <= colorprofile.NoTTY {
		return b.s.Palette.Add("")
	}
	st := ansi.Style{}.Reset()
	if a&attrBold != 0 {
		st = st.Bold()
	}
	if a&attrFaint != 0 && p < colorprofile.ANSI {
		// Faint is kept only where there is no colour to tell elements apart.
		st = st.Faint()
	}
	if a&attrReverse != 0 || (a&attrReverseIfPlain != 0 && p < colorprofile.ANSI) {
		st = st.Reverse(true)
	}
	if a&attrUnderline != 0 {
		st = st.Underline(true)
	}
	if fg != nil && p >= colorprofile.ANSI {
		if c := p.Convert(fg); c != nil {
			st = st.ForegroundColor(c)
		}
	}
	if bg != nil && p >= colorprofile.ANSI {
		if c := p.Convert(bg); c != nil {
			st = st.BackgroundColor(c)
		}
	}
	return b.s.Palette.Add(st.String())
}

// mix blends c with the terminal background (black on dark, white on
// light): f of c, the rest background.
func mix(c color.Color, dark bool, f float64) color.Color {
	r, g, b, _ := c.RGBA()
	base := 0.0
	if !dark {
		base = 0xffff
	}
	m := func(v uint32) uint8 { return uint8((f*float64(v) + (1-f)*base) / 0x101) }
	return color.RGBA{m(r), m(g), m(b), 0xff}
}
