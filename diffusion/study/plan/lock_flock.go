//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package plan

import (
	"errors"
	"os"
	"syscall"
)

// lockSupported says whether two processes on one output folder exclude
// each other here: flock(2), which Linux also maps onto NFS locks.
const lockSupported = true

// tryLock takes flock(2) on f without blocking: false if another open file
// holds a conflicting lock.
func tryLock(f *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		default:
			return false, err
		}
	}
}

// unlock drops f's lock (closing f would too).
func unlock(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
