package data

// mt19937 is the 32-bit Mersenne Twister as NumPy's legacy RandomState uses
// it; Yin-Yang needs its exact stream to reproduce the reference dataset.
type mt19937 struct {
	state [624]uint32
	index int
}

// newMT19937 seeds the generator with init_genrand(seed).
func newMT19937(seed uint32) *mt19937 {
	m := &mt19937{index: 624}
	m.state[0] = seed
	for i := 1; i < 624; i++ {
		prev := m.state[i-1]
		m.state[i] = 1812433253*(prev^(prev>>30)) + uint32(i)
	}
	return m
}

func (m *mt19937) twist() {
	const upper, lower, matrixA = 0x80000000, 0x7fffffff, 0x9908b0df
	for i := range 624 {
		y := m.state[i]&upper | m.state[(i+1)%624]&lower
		v := m.state[(i+397)%624] ^ y>>1
		if y&1 != 0 {
			v ^= matrixA
		}
		m.state[i] = v
	}
	m.index = 0
}

// uint32 returns the next tempered output (genrand_int32).
func (m *mt19937) uint32() uint32 {
	if m.index >= 624 {
		m.twist()
	}
	y := m.state[m.index]
	m.index++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return y
}

// float64 returns a uniform double in [0, 1) with 53 random bits
// (genrand_res53, NumPy's random_sample).
func (m *mt19937) float64() float64 {
	a, b := m.uint32()>>5, m.uint32()>>6
	return (float64(a)*67108864 + float64(b)) / 9007199254740992
}

// intn3 returns a uniform integer in {0, 1, 2} the way NumPy's legacy
// randint(3) does: mask one 32-bit output with 3 and reject 3.
func (m *mt19937) intn3() int {
	for {
		if v := m.uint32() & 3; v != 3 {
			return int(v)
		}
	}
}
