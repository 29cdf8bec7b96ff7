package engine

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// kernelValues draws float32s around the spike threshold, with exact ones,
// zeros of both signs and a wide spread of magnitudes.
func kernelValues(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch rng.IntN(8) {
		case 0:
			x[i] = 1
		case 1:
			x[i] = float32(math.Copysign(0, rng.Float64()-0.5))
		case 2:
			x[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(12)-6)))
		default:
			x[i] = float32(1 + 0.3*rng.NormFloat64())
		}
	}
	return x
}

func sameBits(t *testing.T, what string, a, b []float32) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: lengths %d and %d", what, len(a), len(b))
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("%s[%d]: %v (%08x) and %v (%08x)", what, i, a[i], math.Float32bits(a[i]), b[i], math.Float32bits(b[i]))
		}
	}
}

var kernelSizes = []int{1, 2, 5, 7, 8, 9, 10, 15, 16, 17, 31, 33, 63, 64, 65, 127, 128, 129, 200, 246, 256, 300}

func TestKernelsMatchPortable(t *testing.T) {
	if !hasAVX2 {
		t.Log("no AVX2: the vector kernels are not tested on this CPU")
	}
	vec := hasAVX2
	defer func() { hasAVX2 = vec }()
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range kernelSizes {
		for rep := range 4 {
			// lif
			cur, mem := kernelValues(rng, n), kernelValues(rng, n)
			alpha, beta := float32(0.8), float32(0.85)
			base := []int32{3, 1}[:rep%3]
			run := func() ([]float32, []float32, []float32, []int32) {
				c, m, vh := slices.Clone(cur), slices.Clone(mem), make([]float32, n)
				idx := lif(c, m, vh, alpha, beta, slices.Clip(slices.Clone(base)))
				return c, m, vh, idx
			}
			c1, m1, v1, i1 := run()
			hasAVX2 = false
			c2, m2, v2, i2 := run()
			hasAVX2 = vec
			sameBits(t, "lif cur", c1, c2)
			sameBits(t, "lif mem", m1, m2)
			sameBits(t, "lif vh", v1, v2)
			if !slices.Equal(i1, i2) {
				t.Fatalf("lif n=%d: spikes %v and %v", n, i1, i2)
			}

			// bwdHidden
			gv, gi, gs, counts, vh := kernelValues(rng, n), kernelValues(rng, n), kernelValues(rng, n), kernelValues(rng, n), kernelValues(rng, n)
			runB := func() ([]float32, []float32) {
				a, b := slices.Clone(gv), slices.Clone(gi)
				bwdHidden(a, b, gs, counts, vh, 0.85, 0.8, 50)
				return a, b
			}
			a1, b1 := runB()
			hasAVX2 = false
			a2, b2 := runB()
			hasAVX2 = vec
			sameBits(t, "bwd gv", a1, a2)
			sameBits(t, "bwd gi", b1, b2)

			// addToRows and comb over rows of a matrix (repeated rows too)
			rows := 1 + rng.IntN(9)
			// addToRows: rows equal or disjoint (as in the model);
			// comb: rows anywhere
			stride := n + rng.IntN(3)
			w := kernelValues(rng, rows*stride+n)
			var offs, offsD []int32
			var g []float32
			for range rng.IntN(12) {
				offsD = append(offsD, int32(rng.IntN(rows)*n))
				offs = append(offs, int32(rng.IntN(rows)*stride+rng.IntN(stride-n+1)))
				g = append(g, kernelValues(rng, 1)[0])
			}
			src := kernelValues(rng, n)
			runR := func() ([]float32, []float32) {
				d := slices.Clone(w)
				addToRows(d, offsD, src)
				c := kernelValues(rand.New(rand.NewPCG(1, 1)), n)
				comb(c, w, offs, g)
				return d, c
			}
			d1, e1 := runR()
			hasAVX2 = false
			d2, e2 := runR()
			hasAVX2 = vec
			sameBits(t, "addToRows", d1, d2)
			sameBits(t, "comb", e1, e2)
		}
	}
}

// TestCombIsClearAddRow: comb is what clear and addRow per row compute.
func TestCombIsClearAddRow(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range kernelSizes {
		w := kernelValues(rng, 10*n)
		var offs []int32
		var g []float32
		for k := range 10 {
			if v := kernelValues(rng, 1)[0]; v != 0 {
				offs = append(offs, int32(k*n))
				g = append(g, v)
			}
		}
		want := make([]float32, n)
		outGrad(want, w, append(g[:0:0], expand(g, offs, n, 10)...))
		got := kernelValues(rng, n)
		comb(got, w, offs, g)
		sameBits(t, "comb", got, want)
	}
}

// expand returns the dense gradient of the nonzero list (g, offs).
func expand(g []float32, offs []int32, n, rows int) []float32 {
	d := make([]float32, rows)
	for r, o := range offs {
		d[int(o)/n] = g[r]
	}
	return d
}

// TestAddToRowsPanics: rows outside dst are refused.
func TestAddToRowsPanics(t *testing.T) {
	t.Parallel()
	for _, offs := range [][]int32{{-1}, {3}, {0, 1 << 30}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("offsets %v: no panic", offs)
				}
			}()
			addToRows(make([]float32, 10), offs, make([]float32, 8))
		}()
	}
}

// TestForwardHiddenMatchesReference: the fused step model (row kernels, lif)
// gives the reference's membranes and spikes bit for bit, recurrent or not.
func TestForwardHiddenMatchesReference(t *testing.T) {
	for _, rec := range []bool{false, true} {
		for _, H := range []int{5, 8, 13, 246} {
			l := mnistLayout
			l.Inputs, l.Hidden, l.Recurrent = 64, H, rec
			n := newNet(l, 50)
			initWeights(n.w, l, 1e-3, rand.New(rand.NewPCG(1, 2)))
			for i := range n.w.In {
				n.w.In[i] *= 6
			}
			tapes := mnistShaped(l, n, 4, 5)
			for i := range tapes {
				tp := &tapes[i]
				n.m.forwardHiddenRef(&n.w, tp)
				vh := slices.Clone(tp.vh)
				idx, val, start := slices.Clone(tp.hidden.idx), slices.Clone(tp.hidden.val), slices.Clone(tp.hidden.start)
				for _, vec := range []bool{true, false} {
					func() {
						defer func(v bool) { hasAVX2 = v }(hasAVX2)
						hasAVX2 = hasAVX2 && vec
						n.m.forwardHidden(&n.w, tp)
					}()
					sameBits(t, "vh", tp.vh, vh)
					sameBits(t, "spike values", tp.hidden.val, val)
					if !slices.Equal(tp.hidden.idx, idx) || !slices.Equal(tp.hidden.start, start) {
						t.Fatalf("rec=%v H=%d vector=%v: spikes differ", rec, H, vec)
					}
				}
				if len(idx) == 0 {
					t.Fatalf("rec=%v H=%d: no hidden spikes to test", rec, H)
				}
			}
		}
	}
}

// TestGradientPortableKernels: a whole batch gradient is the same bits with
// the vector kernels and with the portable code.
func TestGradientPortableKernels(t *testing.T) {
	for _, rec := range []bool{false, true} {
		l := mnistLayout
		l.Recurrent = rec
		lt := lossTerms{readout: ReadoutMax, scale: 10}
		var grads [2][]float32
		for v, vec := range []bool{true, false} {
			func() {
				defer func(u bool) { hasAVX2 = u }(hasAVX2)
				hasAVX2 = hasAVX2 && vec
				n := newNet(l, 50)
				initWeights(n.w, l, 1e-3, rand.New(rand.NewPCG(1, 2)))
				for i := range n.w.In {
					n.w.In[i] *= 4
				}
				tapes := mnistShaped(l, n, 16, 3)
				n.gradient(tapes, &n.w, lt, 5e-4, true)
				grads[v] = slices.Clone(n.grad.All)
			}()
		}
		sameBits(t, "gradient", grads[0], grads[1])
	}
}

// TestUpdateFusedMatchesPasses: the one-pass update (L2, Adam, clamp) gives
// the bits of the separate passes (taken when keep is given, here keeping
// every neuron), with the vector kernel and with the portable code, over
// several steps.
func TestUpdateFusedMatchesPasses(t *testing.T) {
	for _, rec := range []bool{false, true} {
		for _, l2 := range []float64{0, 0.1} {
			l := Layout{Inputs: 13, Hidden: 11, Outputs: 3, Recurrent: rec, Steps: 5, Dt: 1, TauMem: 6, TauSyn: 6}
			keep := make([]bool, l.Hidden)
			for i := range keep {
				keep[i] = true
			}
			var nets [3]*net
			for i := range nets {
				nets[i] = newNet(l, 50)
				initWeights(nets[i].w, l, 0.25, rand.New(rand.NewPCG(1, 2)))
			}
			rng := rand.New(rand.NewPCG(5, 6))
			for range 5 {
				g := kernelValues(rng, len(nets[0].grad.All))
				for i := range g {
					g[i] *= 0.3
				}
				for i, n := range nets {
					copy(n.grad.All, g)
					func() {
						defer func(v bool) { hasAVX2 = v }(hasAVX2)
						switch i {
						case 0:
							n.update(1e-2, l2, keep)
						case 1:
							n.update(1e-2, l2, nil)
						case 2:
							hasAVX2 = false
							n.update(1e-2, l2, nil)
						}
					}()
				}
				for _, n := range nets[1:] {
					sameBits(t, "weights", n.w.All, nets[0].w.All)
					sameBits(t, "gradient", n.grad.All, nets[0].grad.All)
					sameBits(t, "m", n.opt.M, nets[0].opt.M)
					sameBits(t, "v", n.opt.V, nets[0].opt.V)
				}
			}
			clamped := 0
			for _, v := range nets[0].w.In {
				if v == hiddenLimit || v == -hiddenLimit {
					clamped++
				}
			}
			if clamped == 0 {
				t.Errorf("rec=%v l2=%v: no weight reached the clamp", rec, l2)
			}
		}
	}
}

// outGrad is the code comb replaced: dst ← Σ_k g[k]·wT[k·H : (k+1)·H] for
// the post-major output weights wT (H = len(dst)), by clear and addRow.
func outGrad(dst, wT, g []float32) {
	H := len(dst)
	clear(dst)
	for k, gk := range g {
		if gk != 0 {
			addRow(dst, wT[k*H:(k+1)*H], gk)
		}
	}
}
