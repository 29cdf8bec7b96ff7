package hw

import "testing"

// TestReadFrameKernels: the vector conversion gives the scalar codes for
// random frames that include refractory neurons, values below 0 and above
// full scale, exact half codes, and corrections of both signs.
func TestReadFrameKernels(t *testing.T) {
	r := newRNG(12)
	clipped := 0
	for trial := 0; trial < 300; trial++ {
		n := 1 + int(r.uint64()%40)
		u, resetU, leak := make([]float64, n), make([]float64, n), make([]float64, n)
		ca, cb, z, corrF := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		rel, corr := make([]int64, n), make([]int, n)
		for x := range n {
			u[x], resetU[x], leak[x] = 80*r.norm(), 10*r.norm(), 80+10*r.norm()
			ca[x], cb[x], z[x] = 1+0.1*r.norm(), 5*r.norm(), r.norm()
			rel[x] = -1
			if r.float64() < 0.2 {
				rel[x] = int64(r.uint64() % 100)
			}
			if r.float64() < 0.1 { // lands on a half code
				u[x], ca[x], cb[x], z[x] = 20.5-leak[x], 1, 0, 0
			}
			corr[x] = int(r.uint64()%61) - 30
			corrF[x] = float64(corr[x])
		}
		got := make([]uint8, n)
		readFrame(got, u, rel, resetU, leak, ca, cb, z, corrF, corr)
		for x := range n {
			v := u[x]
			if rel[x] >= 0 {
				v = resetU[x]
			}
			want := cadcRound(ca[x]*(v+leak[x])+cb[x]+z[x], corr[x])
			if got[x] != want {
				t.Fatalf("trial %d neuron %d: code %d, scalar %d", trial, x, got[x], want)
			}
			if want == 0 || want == 255 {
				clipped++
			}
		}
	}
	if clipped < 20 {
		t.Fatalf("only %d clipped codes: the frames do not exercise the clipping", clipped)
	}
}
