package linalg

import "github.com/harmonic-go/harmonic/internal/cpucache"

// caches are the data cache sizes Dgemm sizes its blocks for.
var caches = cpucache.Detect()
