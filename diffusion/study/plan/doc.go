// Package plan is the seam between a study and the machines that run it: a
// study declares a plan, a DAG of jobs, and an executor runs it, in this
// process (Run, a local pool), one job per process (RunOne, behind
// `harmonic job run --plan OUT/plan.json --index I`, which is also what a
// Slurm array task runs), or not at all (Summarize, for --plan-only).
//
// # Jobs and their IDs
//
// A Job is a kind (what code runs: "gahb/train"), a config (the JSON of any
// value, canonicalized: compact, object keys sorted, numbers as written) and
// deps (the IDs of the jobs whose outputs it reads). Its ID is the first 16 hex
// digits of the sha256 of
//
//	kind \n version \n canonical config \n dep IDs joined by spaces
//
// where version is the string the kind was registered with. A kind bumps its
// version whenever its code changes what it writes, so old results are never
// mistaken for new ones: the job gets a new ID, hence a new directory. The dep
// IDs are hashed too, so a version bump upstream (a retrained model) also
// renames everything computed from it.
//
// Kinds register themselves at init with Register(kind, version, run) and,
// optionally, RegisterCost (an estimated cost of one job from its config).
// A run function gets an *Env: its typed config (Env.Config), its output
// directory, its dependencies' output directories and metrics, a logger and
// the number of threads it may use.
//
// # Outputs and done-ness
//
// Job id writes under OUT/runs/<id>/: config.json (id, kind, version, config,
// deps) when it starts, its own files, and metrics.json (name → number or any
// JSON) LAST, atomically, after run returned nil. A job is done iff its
// metrics.json exists. Every file is written atomically (Env.WriteFile, or
// internal/atomicfile through Env.Path), so a job killed at any point leaves
// complete files and no metrics.json: it is not done and runs again. Its
// directory is kept for that rerun, so a kind may resume from a checkpoint it
// wrote there.
//
// When a job runs again (its metrics.json was deleted, or it never finished),
// everything downstream of it is stale: before running it, the executors
// delete the directories of its transitive dependants, which then run again
// after it. So deleting one job's metrics.json reruns exactly that job and its
// dependants, as make would.
//
// # Plans
//
// A Plan lists jobs; Add appends one whose deps are already in the plan, so
// the list order is always a valid sequential order. Validate checks IDs
// (format, duplicates, each ID matching its contents), unknown deps and
// cycles, naming the jobs involved. Save writes OUT/plan.json atomically and
// Load reads and validates it; a job's index in plan.json is the --index of
// `harmonic job run`.
//
// # Executors
//
// Run saves the plan to OUT/plan.json and runs its jobs that are not done on
// Options.Jobs goroutines, each job starting once its dependencies are done;
// the first error stops scheduling (running jobs finish) and is returned
// naming the job's ID and kind; cancelling ctx stops the same way. RunOne runs
// one job of a saved plan and fails with ErrNotReady if a dependency is not
// done. Both give a job the same inputs (config, dependencies' outputs and
// metrics) and write the same config.json and metrics.json, so as long as a
// kind's outputs depend only on those and not on Env.Threads, a folder filled
// by RunOne processes in any order is byte for byte the one Run fills.
//
// Slurm submits a saved plan to a cluster instead: one job array per DAG
// level (Levels), array task t of level k running the plan index on line t+1
// of OUT/slurm/level-k.idx through `harmonic job run`, each level submitted
// with --dependency=afterok on the one before and --kill-on-invalid-dep=yes,
// then a collect job that writes the report (`harmonic study --collect OUT`).
// Every task writes OUT/slurm/status/level-k.t ("ok" or "failed CODE"),
// since without accounting Slurm forgets a task's end after MinJobAge and
// forgets a task cancelled while pending at once; Submission.Wait polls
// `squeue -t all` and those files and names a failed task's job, plan index
// and log. Resubmitting is safe: done jobs return at once.
//
// # One folder, one runner
//
// Both executors first check that OUT is writable (creating and removing a
// file there), so a read-only folder is an error naming it before any job
// runs, and then lock OUT/plan.lock (flock(2) where the OS has it; elsewhere
// the lock is a no-op and Run's log says so). Run takes it exclusively and
// refuses, with ErrLocked naming the holder's process, host, start time and
// command line, when another process holds it: waiting would leave a
// second study silently stuck behind the first for hours, and a rerun once
// the first is done costs nothing. RunOne takes it shared, so array tasks
// run side by side, and waits (until ctx is cancelled) while a Run holds it:
// a refused task would fail and cancel its dependants. Holding the lock,
// Run deletes the temporary files of atomic writes a killed process left
// anywhere under OUT, and RunOne those in its job's directory.
package plan
