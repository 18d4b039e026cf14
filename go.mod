module github.com/harmonic-go/harmonic

go 1.24.0

require github.com/klauspost/cpuid/v2 v2.3.0

require golang.org/x/sys v0.30.0
