package data

import (
	"slices"
	"sync"
	"testing"
)

// Datasets are read by several goroutines of the trainer at once: samples
// must come out the same as when read alone (run with -race).
func TestConcurrentSamples(t *testing.T) {
	root := t.TempDir()
	writeMNISTDir(t, root, true, 40)
	mn, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	yy, err := NewYinYang(Test, YinYangOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []Dataset{mn, yy} {
		want := make([]Sample, d.Len())
		for i := range want {
			want[i] = d.Sample(i)
		}
		var wg sync.WaitGroup
		bad := make([]int, 4)
		for g := range 4 {
			wg.Go(func() {
				for i := range d.Len() {
					s := d.Sample((i + g*7) % d.Len())
					if w := want[(i+g*7)%d.Len()]; !slices.Equal(s.Spikes, w.Spikes) || s.Label != w.Label {
						bad[g]++
					}
				}
			})
		}
		// Loading the same files again meanwhile hits the shared memo.
		wg.Go(func() {
			if _, err := NewMNIST(MNISTDigits, root, Train, MNISTOptions{CacheDir: "off"}); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		for g, n := range bad {
			if n != 0 {
				t.Errorf("%s: goroutine %d saw %d differing samples", d.Name(), g, n)
			}
		}
	}
}
