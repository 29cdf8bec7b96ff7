// Package experiment runs the paper's experiments (Cramer et al., PNAS 2022;
// the paper's numbers are in docs/model.md §6.1) as plans of ordinary
// training runs and collects their results into tables, CSV files and
// figures.
//
// An experiment is named (selfcal, sparsity, latency, robustness, table1)
// and shaped by a Spec: dataset, number of seeds, epochs, quick or full,
// the first chip and training seed. Build turns a Spec into a Plan, a
// deterministic, ordered list of Runs. Run K lives in its own run directory
// OUT/runs/K-NAME (config.json, metrics.jsonl, checkpoint.bin, written by
// the engine's trainer) and, once trained and measured, result.json. The
// Spec is kept in OUT/experiment.json, so later invocations, array tasks on
// a cluster and Collect all read the same plan.
//
// A run's status comes from its directory alone: NotStarted (no files),
// Interrupted (a checkpoint but no result), Done (result.json). Execute
// runs one run, resuming from its checkpoint; Runner runs a whole plan
// with parallel workers. Every number of a result is a function of the
// plan: the same plan gives the same results to the last digit whether its
// runs ran one after another, in parallel or as separate tasks.
package experiment
