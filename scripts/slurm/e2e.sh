#!/usr/bin/env bash
# End to end through the Slurm on PATH (scripts/slurm/start.sh): runs
# `inloop experiment selfcal --quick` as a job array, cancels one array task
# mid-run with scancel, resubmits (only that run goes out again, and it
# resumes from its checkpoint), collects, and checks the collected table
# against a local run of the same experiment to the last digit.
#
#   scripts/slurm/e2e.sh [WORKDIR]     (default: a new temporary directory,
#                                       removed when the check passes)
#
# Bounded: every wait gives up after a few minutes with the cluster's view.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-$(mktemp -d /tmp/inloop-slurm-e2e.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
bin=$work/inloop
out=$work/on-slurm
here=$work/local

say() { echo "e2e: $*"; }
fail() {
  echo "e2e: FAIL: $*" >&2
  squeue -a 2>&1 | head -20 >&2 || true
  exit 1
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls every 0.2 s until COMMAND succeeds.
wait_for() {
  local limit=$(( $1 * 5 )) what=$2; shift 2
  for _ in $(seq "$limit"); do
    if "$@"; then return 0; fi
    sleep 0.2
  done
  fail "gave up waiting for $what"
}
active() { [ -n "$(squeue -h -j "$1" -t pending,running,completing,configuring -o %i 2>/dev/null)" ]; }
ended() { ! active "$1"; }

command -v sbatch >/dev/null || fail "no sbatch on PATH: start Slurm with scripts/slurm/start.sh"
say "working in $work"
go build -o "$bin" .
rm -rf "$out" "$here"

say "submit: inloop experiment selfcal --quick --slurm --out $out"
"$bin" experiment selfcal --quick --slurm --out "$out" | tee "$work/submit1.txt"
job=$(sed -n 's/^submitted job \([0-9]*\):.*/\1/p' "$work/submit1.txt")
[ -n "$job" ] || fail "no job id in the submission's output"

# Resubmitting while the array is queued or running submits nothing.
"$bin" experiment selfcal --quick --slurm --out "$out" > "$work/submit-again.txt"
grep -q '^nothing to submit' "$work/submit-again.txt" || {
  cat "$work/submit-again.txt"; fail "a second submission while the array is queued sent runs again"; }

# The victim: the first in-the-loop run seen after its first epoch's
# evaluation and before its result, cancelled by its array index.
victim=
pick() {
  local d k
  shopt -s nullglob
  for d in "$out"/runs/*-chip-*; do
    k=$((10#$(basename "$d" | cut -d- -f1)))
    if [ -f "$d/metrics.jsonl" ] && [ ! -f "$d/result.json" ] && grep -q '"kind":"eval"' "$d/metrics.jsonl" \
      && squeue -h -j "$job" -t running -r -o %K | grep -qx "$k"; then
      victim=$k
      scancel "${job}_$k"
      return 0
    fi
  done
  active "$job" || fail "every in-the-loop run finished before one could be cancelled mid-run"
  return 1
}
wait_for 300 "an in-the-loop run in its second epoch" pick
say "cancelled array task ${job}_$victim mid-run (scancel ${job}_$victim)"
wait_for 600 "job $job to end" ended "$job"
vdir=$(ls -d "$out"/runs/"$(printf %03d "$victim")"-*)

"$bin" experiment status --out "$out" > "$work/status1.txt"
sed -n '/^runs on Slurm/,$p' "$work/status1.txt"
if [ -f "$vdir/result.json" ]; then
  fail "run $victim finished before scancel reached it"
fi
[ -f "$vdir/checkpoint.bin" ] || fail "the cancelled run left no checkpoint"
grep -Eq "^ +$victim .*failed: CANCELLED.*job ${job}_$victim.*checkpointed" "$work/status1.txt" \
  || fail "the listing does not show run $victim as cancelled by Slurm with a checkpoint"
[ "$(grep -Ec '^ +[0-9]+  .* done$' "$work/status1.txt")" -eq 7 ] || fail "expected the 7 other runs done"

say "resubmit: only run $victim goes out again"
"$bin" experiment selfcal --quick --slurm --out "$out" | tee "$work/submit2.txt"
job2=$(sed -n 's/^submitted job \([0-9]*\):.*/\1/p' "$work/submit2.txt")
[ -n "$job2" ] && [ "$job2" != "$job" ] || fail "the resubmission printed no new job id"
grep -q "^submitted job $job2: runs $victim of .*(1 of 8)" "$work/submit2.txt" || fail "the resubmission did not send exactly run $victim"
wait_for 600 "job $job2 to end" ended "$job2"
grep -q '"kind":"resume"' "$vdir/metrics.jsonl" || fail "run $victim did not resume from its checkpoint"

say "collect: inloop experiment status --out $out"
"$bin" experiment status --out "$out" > "$work/status2.txt"
cat "$work/status2.txt"
grep -q '^8 runs: 8 done$' "$work/status2.txt" || fail "not all 8 runs are done after the resubmission"

say "the same experiment locally: inloop experiment selfcal --quick --out $here --workers 2"
"$bin" experiment selfcal --quick --out "$here" --workers 2 > "$work/local.txt" 2>/dev/null
for f in results.csv summary.csv; do
  cmp "$out/$f" "$here/$f" || { diff "$out/$f" "$here/$f" | head; fail "$f differs between Slurm and the local run"; }
done
table() { sed -n '1,/^runs:/p' "$1"; }
diff <(table "$work/status2.txt") <(table "$work/local.txt") || fail "the collected table differs from the local run's"
[ -n "${1:-}" ] || rm -rf "$work"
say "PASS: job $job (task $victim cancelled mid-run), job $job2 (its resumption); collected table = local table, results.csv and summary.csv byte for byte"
