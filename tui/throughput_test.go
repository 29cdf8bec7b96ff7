package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"inloop/engine"
)

// BenchmarkTrainingWithApp trains Yin-Yang (chip mode) for 1 and for 10
// epochs per iteration, headless (the events drained as the train command does) and
// with an app instance at 200×60 taking the events at its capped rate and
// drawing a frame after each intake, as in a terminal minus the terminal
// output. The samples/s metric is the trainer's own figure; %app-busy is
// the share of the run's wall time spent in the app's Update and View.
// The 1-epoch runs carry the decision map's first refresh, made as soon as
// a viewer arrives; the 10-epoch runs show the steady state, where the map
// is refreshed at most every few seconds (engine/decision.go).
func BenchmarkTrainingWithApp(b *testing.B) {
	for _, run := range []struct {
		epochs  int
		withApp bool
	}{{1, false}, {1, true}, {10, false}, {10, true}} {
		epochs, withApp := run.epochs, run.withApp
		name := fmt.Sprintf("epochs=%d/headless", epochs)
		if withApp {
			name = fmt.Sprintf("epochs=%d/app200x60", epochs)
		}
		b.Run(name, func(b *testing.B) {
			var rate float64
			var busy, wall time.Duration // the app's Update+View time, and the runs'
			n := 0
			for b.Loop() {
				cfg, err := engine.DefaultConfig("yinyang")
				if err != nil {
					b.Fatal(err)
				}
				cfg.Epochs = epochs
				tr, err := engine.NewTrainer(cfg)
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				tr.Start(context.Background())
				if withApp {
					m := newModel(tr, Options{})
					m.Update(tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
					m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
					m.events = tr.Subscribe()
					for cmd := waitForEvents(m.events, m.interval); cmd != nil; {
						msg := cmd()
						t0 := time.Now()
						_, cmd = m.Update(msg)
						m.View()
						busy += time.Since(t0)
					}
				} else {
					for s := tr.SubscribeMetrics(); ; {
						if _, ended := s.Wait(); ended {
							break
						}
					}
				}
				sum, err := tr.Wait()
				if err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				rate += sum.SamplesPerSecond
				n++
			}
			b.ReportMetric(rate/float64(n), "samples/s")
			if withApp {
				b.ReportMetric(100*busy.Seconds()/wall.Seconds(), "%app-busy")
			}
		})
	}
}
