//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package plan

import "os"

// lockSupported is false where the syscall package has no flock (Windows,
// js/wasm, Solaris, Plan 9...): there the lock file is created, which checks
// that the folder is writable, but two processes on one output folder do not
// exclude each other, and Run says so in its log.
const lockSupported = false

func tryLock(*os.File, bool) (bool, error) { return true, nil }

func unlock(*os.File) {}
