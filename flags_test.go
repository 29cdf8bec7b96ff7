package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

// NaN and ±Inf are refused in every numeric flag, with one line.
func TestNonFiniteFlagsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"train", "--lr", "NaN"},
		{"train", "--decalibrate", "nan"},
		{"train", "--lr", "Inf"},
		{"chip", "--decalibrate", "-Inf"},
		{"--lr", "+inf"},
		{"serve", "--public", "--conn-rate", "NaN"},
		{"serve", "--public", "--conn-rate", "+Inf"},
	} {
		var out, errOut bytes.Buffer
		code := run(args, nil, &out, &errOut)
		msg := errOut.String()
		flagName := args[len(args)-2]
		if code != 2 || !strings.Contains(msg, flagName+" "+args[len(args)-1]+" is not") || strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q", args, code, msg)
		}
	}
}

// floatValue is a numeric flag type of its own (not a flag.Getter).
type floatValue struct{ s string }

func (v *floatValue) String() string     { return v.s }
func (v *floatValue) Set(s string) error { v.s = s; return nil }

func TestCheckFiniteCustomValues(t *testing.T) {
	for _, c := range []struct {
		value string
		ok    bool
	}{{"0.5", true}, {"NaN", false}, {"-Infinity", false}, {"1e400", false}, {"text", true}} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		fs.Var(&floatValue{}, "rate", "")
		name := fs.String("name", "", "")
		if err := fs.Parse([]string{"--rate", c.value, "--name", "NaN"}); err != nil {
			t.Fatal(err)
		}
		if err := checkFinite(fs); (err == nil) != c.ok {
			t.Errorf("--rate %s: %v", c.value, err)
		}
		if *name != "NaN" {
			t.Fatal("string flag changed")
		}
	}
}
