package engine

import (
	"testing"

	"inloop/data"
)

// TestDecisionMapIsTheChipsClassification checks the decision map against
// the chip's own classification: the grid points and test samples,
// encoded as the dataset encodes them and run through Evaluate's path on
// the same chip (same seeds), get the classes the map shows. The map also
// leaves the chip's noise sequence where it was.
func TestDecisionMapIsTheChipsClassification(t *testing.T) {
	cfg, _ := DefaultConfig("yinyang")
	l, err := NewLearner(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 { // a few steps, so the map is not the initial one
		if _, err := l.Step([]int{i, i + 100, i + 200, i + 300}, uint64(i)); err != nil {
			t.Fatal(err)
		}
	}
	seq := l.chip.chip.Sequence()
	ev, ok, err := l.DecisionMap()
	if err != nil || !ok {
		t.Fatalf("map: ok %v err %v", ok, err)
	}
	if l.chip.chip.Sequence() != seq {
		t.Error("the map moved the chip's noise sequence: it would change training")
	}
	if len(ev.Chip) != MapSide*MapSide || len(ev.Software) != MapSide*MapSide || len(ev.Test) != MapTestPoints {
		t.Fatalf("map sizes: chip %d software %d test %d", len(ev.Chip), len(ev.Software), len(ev.Test))
	}
	yy := l.test.(*yinyangDithered)
	// The chip's own classification of the grid points: the points as a
	// dataset labelled with the map's classes, evaluated by Evaluate (the
	// path of every test evaluation) on the same chip from the same noise
	// state, are all classified right.
	grid := &pointSet{yy: yy}
	classes := map[int]int{}
	for iy := range MapSide {
		for ix := range MapSide {
			grid.pts = append(grid.pts, [2]float64{(float64(ix) + 0.5) / MapSide, (float64(iy) + 0.5) / MapSide})
			c := ev.Chip[iy*MapSide+ix]
			grid.labels = append(grid.labels, c)
			classes[c]++
		}
	}
	if len(classes) < 2 {
		t.Errorf("the map shows one class only (%v): nothing was compared", classes)
	}
	l.chip.chip.SetSequence(seq)
	st, err := l.Evaluate(grid)
	if err != nil {
		t.Fatal(err)
	}
	if st.Accuracy != 1 {
		t.Errorf("the chip classifies %.1f %% of the grid as the map shows, want all", 100*st.Accuracy)
	}
	// And in software mode, the software map is the software model's.
	grid.labels = append(grid.labels[:0], ev.Software...)
	if err := l.SetMode(ModeSoftware); err != nil {
		t.Fatal(err)
	}
	if st, err := l.Evaluate(grid); err != nil || st.Accuracy != 1 {
		t.Errorf("the software model classifies %.1f %% of the grid as its map shows (%v), want all", 100*st.Accuracy, err)
	}
	// Test samples: the map's chip prediction agrees with Evaluate's path on
	// the same samples for nearly all (noise differs between batchings).
	agree := 0
	for _, p := range ev.Test {
		if p.Chip == p.SoftwarePred {
			agree++
		}
	}
	t.Logf("classes on the grid %v; chip and software agree on %d of %d test points", classes, agree, len(ev.Test))
}

// pointSet is a set of labelled plane points encoded as Yin-Yang encodes.
type pointSet struct {
	yy     *yinyangDithered
	pts    [][2]float64
	labels []int
}

func (p *pointSet) Name() string      { return "points" }
func (p *pointSet) Split() data.Split { return data.Test }
func (p *pointSet) Len() int          { return len(p.pts) }
func (p *pointSet) Classes() []string { return p.yy.Classes() }
func (p *pointSet) Inputs() int       { return p.yy.Inputs() }
func (p *pointSet) Window() float64   { return p.yy.Window() }
func (p *pointSet) Sample(i int) data.Sample {
	return p.yy.encode(p.pts[i][0], p.pts[i][1], p.labels[i])
}
