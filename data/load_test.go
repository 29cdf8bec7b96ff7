package data

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestLoadUnknown(t *testing.T) {
	_, err := Load("cifar", "", Train)
	var ue *UnknownDatasetError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "yinyang, mnist, fashion-mnist, shd") {
		t.Fatalf("err = %v", err)
	}
}

func TestPermutation(t *testing.T) {
	p := Permutation(1000, 7, 3)
	seen := make([]bool, 1000)
	for _, v := range p {
		if seen[v] {
			t.Fatalf("%d twice", v)
		}
		seen[v] = true
	}
	q := Permutation(1000, 7, 3)
	for i := range p {
		if p[i] != q[i] {
			t.Fatal("not deterministic")
		}
	}
	r := Permutation(1000, 7, 4)
	same := 0
	for i := range p {
		if p[i] == r[i] {
			same++
		}
	}
	if same > 20 {
		t.Errorf("epochs 3 and 4 share %d of 1000 positions", same)
	}
	// Pinned values: the order must not change across Go releases.
	if got, want := Permutation(8, 1, 0), []int{1, 5, 4, 6, 7, 2, 0, 3}; !slices.Equal(got, want) {
		t.Errorf("Permutation(8, 1, 0) = %v, want %v", got, want)
	}
}
