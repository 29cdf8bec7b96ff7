// Package plot draws small, fast terminal plots into a cell grid: Braille
// line and step plots with axes, ticks and units, spike rasters, heatmaps and
// colour bars.
//
// Everything draws into a [Grid] of width-1 cells, each holding a rune and a
// [Style] index into a [Palette] of SGR sequences that the caller builds for
// the terminal's colour profile. A frame is composed by drawing into
// rectangles of one Grid and rendered once with [Grid.Render]; the Grid
// guarantees that every line is exactly W cells wide, so nothing a plot draws
// can wrap or overflow. Drawing reuses the Grid's buffers and does not
// allocate in steady state.
//
// Braille cells hold 2×4 dots, so a plot area of w×h cells has 2w×4h dots.
// Where colour is absent (NO_COLOR), heatmaps use glyph density instead
// ([Ramp]).
package plot
