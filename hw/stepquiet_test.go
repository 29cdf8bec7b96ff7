package hw

import (
	"math"
	"slices"
	"testing"
)

// TestStepQuietKernels: the vector pass (where the CPU has one) steps the
// same neurons to the same bits and sends the same ones to the redo as the
// scalar loop, over random states that include refractory neurons,
// thresholds at or below the leak, membranes above threshold and steps with
// and without current jumps.
func TestStepQuietKernels(t *testing.T) {
	r := newRNG(11)
	slowSeen, quietSeen := 0, 0
	for trial := 0; trial < 200; trial++ {
		n := 1 + int(r.uint64()%70)
		u, cur := make([]float64, n), make([]float64, n)
		rel := make([]int64, n)
		th, inv := make([]float64, n), make([]float64, n)
		row := propRows{em: make([]float64, n), es: make([]float64, n), f: make([]float64, n)}
		var jump []float32
		if trial%2 == 0 {
			jump = make([]float32, n)
		}
		for x := range n {
			u[x] = 40 * r.norm()
			cur[x] = 30 * r.norm()
			rel[x] = -1
			if r.float64() < 0.1 {
				rel[x] = int64(r.uint64() % 300)
			}
			th[x] = 70 + 5*r.norm()
			if r.float64() < 0.05 {
				th[x] = -5 * r.float64()
			}
			inv[x] = 1 / (6 + r.norm())
			row.em[x], row.es[x], row.f[x] = r.float64(), r.float64(), 2*r.float64()
			if jump != nil {
				jump[x] = float32(10 * r.norm())
			}
		}
		dt := 2 * r.float64()
		u2, cur2 := slices.Clone(u), slices.Clone(cur)
		got := stepQuiet(u, cur, rel, th, inv, row, jump, dt, nil)
		want := stepQuietScalar(0, u2, cur2, rel, th, inv, row, jump, dt, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: redo set %v, scalar %v", trial, got, want)
		}
		for x := range n {
			if math.Float64bits(u[x]) != math.Float64bits(u2[x]) || math.Float64bits(cur[x]) != math.Float64bits(cur2[x]) {
				t.Fatalf("trial %d neuron %d: (%v, %v), scalar (%v, %v)", trial, x, u[x], cur[x], u2[x], cur2[x])
			}
		}
		slowSeen += len(want)
		quietSeen += n - len(want)
	}
	if slowSeen < 100 || quietSeen < 100 {
		t.Fatalf("%d neurons redone, %d stepped: the states do not exercise both paths", slowSeen, quietSeen)
	}
}

// TestQuietIsSafe: a neuron that stepQuiet steps (judged quiet) has no
// threshold crossing within the step by the exact search, over random
// states with the propagators of a real die; and the search does find
// crossings among the neurons sent to the redo, so the test has teeth.
func TestQuietIsSafe(t *testing.T) {
	c := New(Options{ChipSeed: 5, NoiseSeed: 1})
	if err := c.Configure(mnistNetwork(1, 8, 20)); err != nil {
		t.Fatal(err)
	}
	m := c.ensureModel()
	r := newRNG(12)
	n := 246
	crossedSlow, quiet := 0, 0
	for trial := 0; trial < 300; trial++ {
		k := int64(1 + r.uint64()%400)
		u, cur := make([]float64, n), make([]float64, n)
		rel := make([]int64, n)
		th, inv := make([]float64, n), make([]float64, n)
		row := propRows{em: make([]float64, n), es: make([]float64, n), f: make([]float64, n)}
		for x := range n {
			th[x] = m.thetaU[x]
			inv[x] = m.invTauM[x]
			u[x] = th[x] * (1.2*r.float64() - 0.4)
			cur[x] = 40 * r.norm()
			rel[x] = -1
			p := m.prop(x, k)
			row.em[x], row.es[x], row.f[x] = p.em, p.es, p.f
		}
		u0, cur0 := slices.Clone(u), slices.Clone(cur)
		slow := stepQuiet(u, cur, rel, th, inv, row, nil, float64(k)*EventTick, nil)
		isSlow := make([]bool, n)
		for _, x := range slow {
			isSlow[x] = true
		}
		for x := range n {
			_, _, crosses := crossAfter(m, x, u0[x], cur0[x], th[x], 0, k)
			if !isSlow[x] {
				quiet++
				if crosses {
					t.Fatalf("trial %d neuron %d (u %g, I %g, ϑ %g, %d ticks): stepped as quiet but crosses", trial, x, u0[x], cur0[x], th[x], k)
				}
			} else if crosses {
				crossedSlow++
			}
		}
	}
	if crossedSlow < 100 || quiet < 1000 {
		t.Fatalf("%d crossings among the redone, %d quiet: the states do not exercise the test", crossedSlow, quiet)
	}
}
