package main

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestDataCmdYinYangJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"data", "--dataset", "yinyang", "--split", "test", "--json"}, nil, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var s dataSummary
	if err := json.Unmarshal(out.Bytes(), &s); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(s.ClassCounts, []int{350, 316, 334}) || s.Samples != 1000 || s.Inputs != 25 || s.WindowUS != 34 || s.SpikesMean != 25 {
		t.Errorf("summary %+v", s)
	}
}

func TestDataCmdPreview(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"data", "--split", "validation", "--sample", "3"}, nil, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"samples   1000", "yin             316", "sample 3", "34 µs"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDataCmdBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"data", "--bogus"},
		{"data", "--dataset", "cifar"},
		{"data", "--split", "dev"},
		{"data", "--dataset", "mnist", "--split", "validation", "--data-dir", t.TempDir()},
		{"data", "--sample", "5000"},
		{"data", "extra"},
	} {
		var out, errOut bytes.Buffer
		if code := run(args, nil, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
		if strings.Count(strings.TrimSpace(errOut.String()), "\n") != 0 {
			t.Errorf("%v: error not one line: %q", args, errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"data", "--dataset", "shd", "--data-dir", t.TempDir()}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "shd_train.h5") {
		t.Errorf("missing files: exit %d, %s", code, errOut.String())
	}
}
