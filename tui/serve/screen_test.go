package serve

import (
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// screen is a minimal terminal emulator for tests: it applies the cursor
// movement, erase, scroll and print sequences a Bubble Tea renderer emits to
// a grid of runes, so tests can assert what a client's screen shows rather
// than which bytes happened to be diffed. Colours and modes are ignored.
type screen struct {
	mu        sync.Mutex
	w, h      int
	cells     [][]rune
	row, col  int
	top, bot  int // scroll region, inclusive
	last      rune
	savedRow  int
	savedCol  int
	parser    *ansi.Parser
	bytesSeen int
	bgQueries int // OSC 11 background colour queries seen
}

func newScreen(w, h int) *screen {
	s := &screen{}
	s.resize(w, h)
	s.parser = ansi.NewParser()
	s.parser.SetHandler(ansi.Handler{
		Print:     s.print,
		Execute:   s.execute,
		HandleCsi: s.csi,
		HandleEsc: s.esc,
		HandleOsc: func(cmd int, data []byte) {
			if cmd == 11 && strings.HasSuffix(string(data), "?") {
				s.bgQueries++
			}
		},
	})
	return s
}

func (s *screen) resize(w, h int) {
	s.w, s.h = w, h
	s.cells = make([][]rune, h)
	for i := range s.cells {
		s.cells[i] = blankRow(w)
	}
	s.top, s.bot = 0, h-1
	s.row, s.col = 0, 0
}

// Resize changes the grid size (the client's window changed).
func (s *screen) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resize(w, h)
}

func blankRow(w int) []rune {
	r := make([]rune, w)
	for i := range r {
		r[i] = ' '
	}
	return r
}

// Write feeds output bytes from the client's side of the session.
func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bytesSeen += len(p)
	s.parser.Parse(p)
	return len(p), nil
}

// backgroundQueries is how many times the program asked for the
// terminal's background colour.
func (s *screen) backgroundQueries() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bgQueries
}

// String is the screen's text, rows joined by newlines, trailing blanks cut.
func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rows := make([]string, s.h)
	for i, r := range s.cells {
		rows[i] = strings.TrimRight(string(r), " ")
	}
	return strings.Join(rows, "\n")
}

func (s *screen) clampCursor() {
	s.row = min(max(s.row, 0), s.h-1)
	s.col = min(max(s.col, 0), s.w-1)
}

func (s *screen) print(r rune) {
	if s.col >= s.w {
		s.col = 0
		s.lineFeed()
	}
	s.cells[s.row][s.col] = r
	s.last = r
	s.col++
}

func (s *screen) lineFeed() {
	if s.row == s.bot {
		s.scrollUp(1)
		return
	}
	s.row = min(s.row+1, s.h-1)
}

func (s *screen) execute(b byte) {
	switch b {
	case '\r':
		s.col = 0
	case '\n', '\v', '\f':
		s.col = min(s.col, s.w-1) // a line feed cancels a pending wrap
		s.lineFeed()
	case '\b':
		s.col = max(s.col-1, 0)
	case '\t':
		s.col = min((s.col/8+1)*8, s.w-1)
	}
}

// scrollUp moves the scroll region's rows up by n, blanking the bottom.
func (s *screen) scrollUp(n int) {
	for range n {
		copy(s.cells[s.top:s.bot], s.cells[s.top+1:s.bot+1])
		s.cells[s.bot] = blankRow(s.w)
	}
}

func (s *screen) scrollDown(n int) {
	for range n {
		copy(s.cells[s.top+1:s.bot+1], s.cells[s.top:s.bot])
		s.cells[s.top] = blankRow(s.w)
	}
}

func param(p ansi.Params, i, def int) int {
	v, _, ok := p.Param(i, def)
	if !ok || v == 0 {
		return def
	}
	return v
}

func (s *screen) csi(cmd ansi.Cmd, p ansi.Params) {
	if cmd.Prefix() == '?' {
		if cmd.Final() == 'h' || cmd.Final() == 'l' {
			if m := param(p, 0, 0); m == 1049 || m == 47 || m == 1047 {
				s.resize(s.w, s.h) // alternate screen: a fresh grid
			}
		}
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	n := param(p, 0, 1)
	switch cmd.Final() {
	case 'H', 'f':
		s.row, s.col = param(p, 0, 1)-1, param(p, 1, 1)-1
	case 'A':
		s.row -= n
	case 'B', 'e':
		s.row += n
	case 'C', 'a':
		s.col += n
	case 'D':
		s.col -= n
	case 'E':
		s.row, s.col = s.row+n, 0
	case 'F':
		s.row, s.col = s.row-n, 0
	case 'G', '`':
		s.col = n - 1
	case 'd':
		s.row = n - 1
	case 'J':
		s.eraseDisplay(param(p, 0, 0))
	case 'K':
		s.eraseLine(param(p, 0, 0))
	case 'X':
		for i := s.col; i < min(s.col+n, s.w); i++ {
			s.cells[s.row][i] = ' '
		}
	case 'b':
		for range n {
			s.print(s.last)
		}
	case '@':
		line := s.cells[s.row]
		n = min(n, s.w-s.col)
		copy(line[s.col+n:], line[s.col:s.w-n])
		for i := s.col; i < s.col+n; i++ {
			line[i] = ' '
		}
	case 'P':
		line := s.cells[s.row]
		n = min(n, s.w-s.col)
		copy(line[s.col:], line[s.col+n:])
		for i := s.w - n; i < s.w; i++ {
			line[i] = ' '
		}
	case 'L', 'M':
		if s.row < s.top || s.row > s.bot {
			return
		}
		top := s.top
		s.top = s.row
		if cmd.Final() == 'L' {
			s.scrollDown(n)
		} else {
			s.scrollUp(n)
		}
		s.top = top
	case 'S':
		s.scrollUp(n)
	case 'T':
		s.scrollDown(n)
	case 'r':
		s.top, s.bot = param(p, 0, 1)-1, param(p, 1, s.h)-1
		if s.top >= s.bot || s.bot >= s.h {
			s.top, s.bot = 0, s.h-1
		}
		s.row, s.col = 0, 0
	case 's':
		s.savedRow, s.savedCol = s.row, s.col
	case 'u':
		s.row, s.col = s.savedRow, s.savedCol
	}
	s.clampCursor()
}

func (s *screen) esc(cmd ansi.Cmd) {
	if cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case '7':
		s.savedRow, s.savedCol = s.row, s.col
	case '8':
		s.row, s.col = s.savedRow, s.savedCol
	case 'D':
		s.lineFeed()
	case 'E':
		s.col = 0
		s.lineFeed()
	case 'M':
		if s.row == s.top {
			s.scrollDown(1)
		} else {
			s.row = max(s.row-1, 0)
		}
	case 'c':
		s.resize(s.w, s.h)
	}
}

func (s *screen) eraseDisplay(mode int) {
	switch mode {
	case 0:
		s.eraseLine(0)
		for r := s.row + 1; r < s.h; r++ {
			s.cells[r] = blankRow(s.w)
		}
	case 1:
		s.eraseLine(1)
		for r := 0; r < s.row; r++ {
			s.cells[r] = blankRow(s.w)
		}
	case 2, 3:
		for r := range s.cells {
			s.cells[r] = blankRow(s.w)
		}
	}
}

func (s *screen) eraseLine(mode int) {
	line := s.cells[s.row]
	from, to := s.col, s.w
	switch mode {
	case 1:
		from, to = 0, min(s.col+1, s.w)
	case 2:
		from = 0
	}
	for i := from; i < to; i++ {
		line[i] = ' '
	}
}
