package tensor

import (
	"bytes"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// Packed-weight cache for small convolutions. Packing 256×256×3×3 weights
// costs about as much as convolving one 10×10 image with them, and a JVP,
// VJP or Lanczos loop convolves single images with the same weights again
// and again. Entries are keyed by the weight buffer and validated by comparing
// its contents with a saved copy (so in-place updates are never missed),
// except for snapshots (snapshot.go), whose contents cannot change. Entries
// are immutable, so a caller may keep using an entry another call evicts.

// packCacheMaxPixels is the output size (batch × pixels) up to which packed
// weights are cached: beyond it packing is a few percent of the work, and
// training, whose weights change every step, would only churn the cache.
const packCacheMaxPixels = 1024

// winogradCacheMaxPixels is the same bound for Winograd-transformed weights,
// higher because transforming them cost about as much as convolving one
// 64-channel 40×40 image with them (when it was set; the AVX-512 transform,
// simd.WinogradWeights43, has since made that about five times cheaper).
const winogradCacheMaxPixels = 4096

// The cache holds at most packCacheEntries entries and about 256 MB: enough
// for the forward and input-gradient weights of a few 2-level U-Nets at
// once (about 40 MB each), as when one process times several networks.
const (
	packCacheEntries = 128
	packCacheFloats  = 64 << 20
)

// packKey names one packing of one weight buffer: everything its contents
// depend on. The kernel the packing is laid out for is named by its level
// and tile shape, so a test or benchmark that switches the level
// (simd.Use) or the Winograd mode (which only chooses the variant, in
// wino) never gets a packing made for another kernel.
type packKey struct {
	src       *float32
	n         int
	level     simd.Level // kernel set the packing was made under (filled in by cachedPack)
	outC, inC int
	tco, px   int // kernel tile: output channels (A rows) × pixels (B columns)
	flip      bool
	wino      int // Winograd tile size, 0 if not transformed (conv3x3_winograd.go)
	gemmA     gemmAKey
}

// gemmAKey describes a whole packed GEMM A operand (gemm_cached.go).
type gemmAKey struct {
	use          uint8 // which matrix of the buffer: distinguishes uses
	m, k, kc, mr int
}

type packEntry struct {
	key    packKey
	saved  []float32 // copy of the source weights, or the snapshot itself
	frozen bool      // the source is a Snapshot (kept alive by saved): no check
	packed []float32
	used   uint64
}

var packCache struct {
	sync.Mutex
	entries []*packEntry
	tick    uint64
}

func floatBytes(f []float32) []byte {
	if len(f) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
}

// sameFloats reports whether a and b hold the same bits. Large buffers (a
// 256-channel layer's weights are 2.4 MB) are compared in chunks over the
// threads: every convolution of one image checks its weights this way, and
// on one goroutine the check would hold up the others.
func sameFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	n, t := len(a), Threads()
	if n < 1<<16 || t == 1 {
		return bytes.Equal(floatBytes(a), floatBytes(b))
	}
	var differ atomic.Bool
	parallel.For(t, func(lo, hi int) {
		if !bytes.Equal(floatBytes(a[lo*n/t:hi*n/t]), floatBytes(b[lo*n/t:hi*n/t])) {
			differ.Store(true)
		}
	})
	return !differ.Load()
}

// cachedWeights3x3 returns packWeights3x3(w, ...) from the cache when the
// same buffer holds the same values as when it was packed, packing and
// caching it otherwise. The result must not be modified or returned to the pool.
func cachedWeights3x3(w []float32, outC, inC int, k simd.Conv3x3Kernel, flip bool) []float32 {
	return cachedPack(w, packKey{outC: outC, inC: inC, tco: k.Cout, px: k.Px, flip: flip},
		func() []float32 { return packWeights3x3(w, outC, inC, k.Cout, flip) })
}

// cachedPack returns the packing of w described by key (its buffer and
// level fields are filled in here) from the cache, or calls pack, which returns a pooled
// buffer, and caches a copy of the result.
func cachedPack(w []float32, key packKey, pack func() []float32) []float32 {
	key.src, key.n, key.level = &w[0], len(w), simd.Current()
	packCache.Lock()
	packCache.tick++
	var hit *packEntry
	for _, e := range packCache.entries {
		if e.key == key {
			hit = e
			e.used = packCache.tick
		}
	}
	packCache.Unlock()
	// Entries are immutable: compare outside the lock, so that goroutines
	// running JVPs on one network at once do not queue behind each other.
	if hit != nil && (hit.frozen || sameFloats(hit.saved, w)) {
		return hit.packed
	}

	p := pack()
	e := &packEntry{key: key, packed: append([]float32(nil), p...)}
	if e.frozen = isSnapshot(w); e.frozen {
		e.saved = w // holding it keeps its address from being reused
	} else {
		e.saved = append([]float32(nil), w...)
	}
	putBuf(p)
	packCache.Lock()
	defer packCache.Unlock()
	e.used = packCache.tick
	for i, old := range packCache.entries {
		if old.key == key { // same buffer, new values: replace
			packCache.entries[i] = e
			return e.packed
		}
	}
	packCache.entries = append(packCache.entries, e)
	for len(packCache.entries) > 1 && (len(packCache.entries) > packCacheEntries || cachedFloats() > packCacheFloats) {
		lru := 0
		for i, old := range packCache.entries {
			if old.used < packCache.entries[lru].used {
				lru = i
			}
		}
		packCache.entries = append(packCache.entries[:lru], packCache.entries[lru+1:]...)
	}
	return e.packed
}

func cachedFloats() int {
	n := 0
	for _, e := range packCache.entries {
		n += len(e.saved) + len(e.packed)
	}
	return n
}

// dropPackings removes the cache entries packed from the buffer at src.
func dropPackings(src *float32) {
	packCache.Lock()
	defer packCache.Unlock()
	kept := packCache.entries[:0]
	for _, e := range packCache.entries {
		if e.key.src != src {
			kept = append(kept, e)
		}
	}
	clear(packCache.entries[len(kept):])
	packCache.entries = kept
}
