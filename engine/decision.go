package engine

import (
	"fmt"
	"time"
)

// MapSide is the decision map's grid: MapSide×MapSide points over the input
// plane. MapTestPoints test samples are drawn over it.
const (
	MapSide       = 24
	MapTestPoints = 150
)

// MapEvent is a decision map of a 2-D dataset (Yin-Yang): the class the
// network predicts at each point of a grid over the input plane, through
// the chip and through the software model, with test samples and their
// predictions. Throttled: newest wins.
type MapEvent struct {
	Step    int
	Side    int // grid points per axis
	Classes []string
	// ChipPath says how Chip was computed ("" when there is no chip map).
	ChipPath string
	// Chip and Software hold the predicted class at grid point (ix, iy),
	// index iy·Side+ix; the point is x = (ix+½)/Side, y = (iy+½)/Side on
	// the unit square, y rising. Chip is nil without a chip.
	Chip, Software []int
	Test           []MapPoint
}

// MapPoint is one test sample on the decision map and the class each path
// predicts for it (−1 where that path has no map).
type MapPoint struct {
	X, Y               float64
	Label              int
	Chip, SoftwarePred int
}

// DecisionMap classifies a grid over the input plane and the first test
// samples with the current weights: on the chip as training runs it (the
// same encoding, weights and readout; the chip's noise sequence is restored
// afterwards, so a map never changes training) and in the software model.
// ok is false for datasets without a 2-D input plane.
func (l *Learner) DecisionMap() (ev MapEvent, ok bool, err error) {
	yy, isYY := l.test.(*yinyangDithered)
	if !isYY {
		return MapEvent{}, false, nil
	}
	ev = MapEvent{Step: l.net.opt.T, Side: MapSide, Classes: l.test.Classes()}
	grid := make([][2]float64, 0, MapSide*MapSide)
	for iy := range MapSide {
		for ix := range MapSide {
			grid = append(grid, [2]float64{(float64(ix) + 0.5) / MapSide, (float64(iy) + 0.5) / MapSide})
		}
	}
	nTest := min(MapTestPoints, yy.Len())
	test := make([][2]float64, nTest)
	for i := range test {
		f := yy.Features(i)
		test[i] = [2]float64{f[0], f[1]}
	}
	// The grid and the test points each in their own pass, chunked as
	// Evaluate chunks a split: the grid's chip classes are then exactly the
	// chip's evaluation of those points from the same noise state.
	var softTest, chipTest []int
	if ev.Software, err = l.classifyPoints(yy, grid, false); err == nil {
		softTest, err = l.classifyPoints(yy, test, false)
	}
	if err == nil && l.chip != nil {
		seq := l.chip.chip.Sequence()
		if ev.Chip, err = l.classifyPoints(yy, grid, true); err == nil {
			chipTest, err = l.classifyPoints(yy, test, true)
		}
		l.chip.chip.SetSequence(seq)
		ev.ChipPath = fmt.Sprintf("emulated chip %d, %s", l.chip.calib.ChipSeed, l.chip.calib.label())
	}
	if err != nil {
		return MapEvent{}, true, err
	}
	for i, p := range test {
		mp := MapPoint{X: p[0], Y: p[1], Label: yy.Label(i), Chip: -1, SoftwarePred: softTest[i]}
		if chipTest != nil {
			mp.Chip = chipTest[i]
		}
		ev.Test = append(ev.Test, mp)
	}
	return ev, true, nil
}

// classifyPoints predicts the class of each point of the plane, on the chip
// or in the software model, in Evaluate's chunks. The caller restores the
// chip's noise sequence.
func (l *Learner) classifyPoints(yy *yinyangDithered, pts [][2]float64, onChip bool) ([]int, error) {
	n, L := l.net, l.layout
	lt := l.lossTerms()
	out := make([]int, len(pts))
	for lo := 0; lo < len(pts); lo += l.evalSize {
		hi := min(lo+l.evalSize, len(pts))
		tapes := n.batchTapes(hi - lo)
		for i := range tapes {
			binInputs(&tapes[i], yy.encode(pts[lo+i][0], pts[lo+i][1], 0), L.Dt, L.Inputs) // the label only enters the loss, unused here
		}
		if onChip {
			if err := l.runOnChip(&n.w, tapes); err != nil {
				return nil, fmt.Errorf("decision map: %w", err)
			}
		}
		for i := range tapes {
			if !onChip {
				n.m.forward(&n.w, &tapes[i])
			}
			_, out[lo+i] = lt.eval(&tapes[i], L.Outputs, false, 0)
		}
	}
	return out, nil
}

// mapEvery bounds how often the trainer refreshes the decision map: a
// refresh classifies MapSide² + MapTestPoints points twice, so it is kept
// rare enough to cost training under 5 % (BENCHMARKS.md).
const mapEvery = 3 * time.Second

// emitMap publishes a decision map when one is due (or forced) and the
// dataset has an input plane; it runs with the sample views, only while
// someone watches. A map that cannot be made is skipped.
func (t *Trainer) emitMap(forced bool) {
	now := time.Now()
	if !forced && now.Sub(t.lastMap) < mapEvery {
		return
	}
	t.lastMap = now
	ev, ok, err := t.l.DecisionMap()
	if !ok || err != nil {
		return
	}
	ev.Step = t.pos.Step
	t.hub.publish(ev)
}
