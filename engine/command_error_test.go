package engine

import (
	"errors"
	"math"
	"testing"
)

// poisonedRecalibration is a fake learner whose recalibration leaves a
// non-finite weight behind.
type poisonedRecalibration struct{ *fakeLearner }

func (p poisonedRecalibration) Recalibrate(string) error {
	p.W[0] = math.NaN()
	return nil
}

// TestCommandLeavingNonFiniteWeightsEndsRun: a command after which the
// weights are not finite ends the run with a DivergedError at that step,
// instead of training on.
func TestCommandLeavingNonFiniteWeightsEndsRun(t *testing.T) {
	t.Parallel()
	var tr *Trainer
	tr, err := newTrainer(fakeConfig(3, t.TempDir()), func(c Config) (trainee, error) {
		fl := newFake(c, 23)
		fl.hook = func(step int) {
			if step == 2 {
				tr.Send(Command{Kind: CmdRecalibrate})
			}
		}
		return poisonedRecalibration{fl}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := runToEnd(t, tr)
	var de *DivergedError
	if !errors.As(err, &de) || de.Step != 2 {
		t.Fatalf("run ended with %v (summary %+v); want a divergence at step 2, right after the command", err, sum)
	}
}
