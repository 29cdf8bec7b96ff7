package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestChipCommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"chip", "--chip-seed", "2", "--json"}, nil, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r struct {
		ChipSeed uint64 `json:"chip_seed"`
		State    string `json:"state"`
		Params   []struct {
			Param  string  `json:"param"`
			Shrink float64 `json:"shrink"`
		} `json:"params"`
		After float64 `json:"cadc_offset_sd_after"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("not one JSON object: %v\n%s", err, out.String())
	}
	if r.ChipSeed != 2 || r.State != "calibrated" || len(r.Params) != 8 || r.Params[0].Param != "leak" || r.Params[0].Shrink > 0.3 || r.After > 3 {
		t.Errorf("unexpected report %+v", r)
	}
	out.Reset()
	if code := run([]string{"chip", "--calibration", "uncalibrated"}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), "tau_mem") {
		t.Errorf("table: exit %d\n%s", code, out.String())
	}
	for _, args := range [][]string{
		{"chip", "--calibration", "half"},
		{"chip", "--decalibrate", "-0.1"},
		{"chip", "--decalibrate", "0.2", "--calibration", "uncalibrated"},
		{"chip", "--chip-seed", "minus"},
		{"chip", "extra"},
	} {
		errb.Reset()
		if code := run(args, nil, &out, &errb); code != 2 || strings.Count(errb.String(), "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line", args, code, errb.String())
		}
	}
}
