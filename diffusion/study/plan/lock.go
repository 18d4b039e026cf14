package plan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lockFile is the file under OUT whose lock says that a process is running
// jobs there: Run holds it exclusively for as long as it schedules jobs,
// each RunOne holds it shared while its job runs (Slurm array tasks run side
// by side; a local Run must not run beside them).
const lockFile = "plan.lock"

// ErrLocked is the error (under errors.Is) of Run on an output folder
// another process is running jobs in.
var ErrLocked = errors.New("output folder in use by another process")

// lockPoll is how often a waiting RunOne tries the lock again: polling,
// not a blocking flock, so that a cancelled ctx (Ctrl-C, scancel) stops the
// wait.
const lockPoll = 200 * time.Millisecond

// folderLock is a held lock on OUT/plan.lock; release drops it.
type folderLock struct {
	f         *os.File
	exclusive bool
}

// checkWritable fails, naming out, when no file can be created in it (a
// read-only mount, a folder without write permission), so that such a
// folder is an error before any job starts rather than after the first one
// has computed its outputs.
func checkWritable(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("plan: cannot create the output folder %s: %w", out, err)
	}
	f, err := os.CreateTemp(out, ".write-test*")
	if err != nil {
		return fmt.Errorf("plan: the output folder %s is not writable: %w", out, err)
	}
	name := f.Name()
	f.Close()
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("plan: the output folder %s: %w", out, err)
	}
	return nil
}

// lockOut takes out's lock, exclusive or shared. Run (exclusive) refuses at
// once when another process holds it, with an ErrLocked error naming the
// holder: waiting would leave a second `harmonic study` on the same folder
// silently stuck behind the first for as long as that one takes (hours for
// the full presets), while refusing tells the user right away, and a rerun
// once the first is done costs nothing (its jobs are done). RunOne (shared)
// waits until ctx is cancelled, logging once: an array task that refused
// would fail and, through afterok, cancel every task after it, whereas one
// that waits for a local Run finds its job done by it.
func lockOut(ctx context.Context, out string, exclusive, wait bool, log *logger) (*folderLock, error) {
	if err := checkWritable(out); err != nil {
		return nil, err
	}
	path := filepath.Join(out, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("plan: cannot open the lock %s: %w", path, err)
	}
	logged := false
	for {
		ok, err := tryLock(f, exclusive)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("plan: locking %s: %w", path, err)
		}
		if ok {
			break
		}
		if !wait {
			f.Close()
			return nil, fmt.Errorf("plan: %w: %s is locked by %s; wait for it to finish (a rerun then only runs the jobs it left) or use another output folder", ErrLocked, path, holder(path))
		}
		if !logged {
			log.printf("plan: waiting for %s, locked by %s", path, holder(path))
			logged = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("plan: stopped waiting for the lock %s: %w", path, ctx.Err())
		case <-time.After(lockPoll):
		}
	}
	l := &folderLock{f: f, exclusive: exclusive}
	if exclusive { // say who holds it, for the message of a refused process
		host, _ := os.Hostname()
		who := fmt.Sprintf("process %d on %s since %s (%s)", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339), strings.Join(os.Args, " "))
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte(who+"\n"), 0)
		}
	}
	return l, nil
}

// holder is what the lock file says of the process holding it: an
// exclusive holder (Run) writes itself there, shared ones (RunOne) do not.
func holder(path string) string {
	b, err := os.ReadFile(path)
	if s := strings.TrimSpace(string(b)); err == nil && s != "" {
		return s
	}
	return "`harmonic job run` processes (Slurm array tasks, or jobs run by hand)"
}

// release drops the lock; an exclusive holder first erases its line.
func (l *folderLock) release() {
	if l.exclusive {
		l.f.Truncate(0)
	}
	unlock(l.f)
	l.f.Close()
}
