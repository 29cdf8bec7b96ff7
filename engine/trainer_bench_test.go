package engine

import (
	"context"
	"testing"
)

// BenchmarkTrainerOverhead measures what the trainer adds to each batch
// (data order, step seed, progress and sample events, command polling, and
// with a run directory the metrics line) around a learner whose Step costs
// almost nothing. One epoch of b.N batches of 5, with one subscriber
// reading everything.
func BenchmarkTrainerOverhead(b *testing.B) {
	for _, files := range []bool{false, true} {
		name := "no-run-dir"
		if files {
			name = "run-dir"
		}
		b.Run(name, func(b *testing.B) {
			dir := ""
			if files {
				dir = b.TempDir()
			}
			tr, err := newTrainer(fakeConfig(1, dir), func(c Config) (trainee, error) { return newFake(c, 5*b.N), nil })
			if err != nil {
				b.Fatal(err)
			}
			events, cancel := eventChan(tr.Subscribe())
			defer cancel()
			go func() {
				for range events {
				}
			}()
			b.ResetTimer()
			tr.Start(context.Background())
			if _, err := tr.Wait(); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkCheckpointWrite writes an MNIST-sized checkpoint (256×246 + 246×10
// weights with two Adam moments as float32: 0.77 MB) atomically, fsyncs
// included.
func BenchmarkCheckpointWrite(b *testing.B) {
	dir := b.TempDir()
	r, err := createRunDir(dir, fakeConfig(1, dir))
	if err != nil {
		b.Fatal(err)
	}
	defer r.close()
	cp := testCheckpoint(1)
	cp.Learner = make([]byte, 3*4*(256*246+246*10))
	b.SetBytes(int64(len(cp.Learner)))
	for b.Loop() {
		if err := r.writeCheckpoint(cp); err != nil {
			b.Fatal(err)
		}
	}
}
