package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"inloop/hw"
)

// decalFlag is the value of --decalibrate: one σ_d for τ_mem, τ_syn and
// threshold − leak jointly ("0.3"), or a σ_d per parameter
// ("tau_mem=0.3,threshold=0.1"; "tau" sets both time constants).
type decalFlag struct {
	joint float64
	each  hw.Detuning
	text  string
}

const decalAccepted = "accepted: σ_d from 0 to 1, e.g. 0.3, or per parameter as tau_mem=0.3,tau_syn=0.2,threshold=0.1 (tau sets both time constants)"

func (d *decalFlag) String() string { return d.text }

func (d *decalFlag) Set(s string) error {
	*d = decalFlag{text: s}
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "=") {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("%q is not accepted (%s)", s, decalAccepted)
		}
		d.joint = v
		return nil
	}
	seen := map[string]bool{}
	for _, f := range strings.Split(s, ",") {
		k, v, _ := strings.Cut(f, "=")
		k = strings.TrimSpace(k)
		x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(x) || x < 0 || x > 1 {
			return fmt.Errorf("%q: %q is not a σ_d from 0 to 1 (%s)", s, strings.TrimSpace(f), decalAccepted)
		}
		if seen[k] {
			return fmt.Errorf("%q names %s twice (%s)", s, k, decalAccepted)
		}
		seen[k] = true
		switch k {
		case "tau_mem":
			d.each.TauMem = x
		case "tau_syn":
			d.each.TauSyn = x
		case "tau":
			d.each.TauMem, d.each.TauSyn = x, x
		case "threshold":
			d.each.Threshold = x
		default:
			return fmt.Errorf("%q: unknown parameter %q (%s)", s, k, decalAccepted)
		}
	}
	return nil
}

// any reports whether the flag asks for a decalibration.
func (d *decalFlag) any() bool { return d.joint > 0 || d.each.Max() > 0 }
