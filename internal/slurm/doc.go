// Package slurm runs a list of independent tasks as one Slurm job array and
// follows them: it writes the sbatch script, submits it with
// `sbatch --parsable`, asks squeue (and sacct, where the cluster keeps
// accounting) how each task stands, and keeps a record of what it submitted
// so a task that is pending or running is never submitted again.
//
// Slurm does the scheduling; this package only talks to its commands, found
// on PATH, so it works the same with a cluster's Slurm and with the
// single-node one of scripts/slurm/. It knows nothing of what a task does:
// the caller gives the command (the same binary on every node) and says
// which tasks are done.
//
// Files, all under the directory given to Open (on storage every node sees):
//
//	jobs.json        the record: each submission's job id, tasks and script
//	array-N.sbatch   the script of the N-th submission
//	logs/J_K.log     stdout and stderr of task K of job J
//	lock             held while a submission checks and updates the record
package slurm
