//go:build unix

package data

import "syscall"

// userCPU is the process's user CPU time in seconds: on a shared machine the
// wall clock says more about the neighbours than about the code.
func userCPU() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec) + float64(ru.Utime.Usec)/1e6
}
