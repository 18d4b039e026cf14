package tensor

// gemmBlocks are the GotoBLAS/BLIS loop block sizes: kc is the depth of one
// rank-kc update (packed B micro-panel kc×nr stays in L1 while A micro-panels
// stream past it), mc the rows of the packed A block (kept in L2), nc the
// columns of the packed B block. Only kc changes rounding (it fixes how the
// depth sum is split); mc and nc only change speed, so they may depend on the
// shape and the thread count while results stay bit-identical.
type gemmBlocks struct{ mc, kc, nc int }

// chooseBlocks sizes the blocks for an m×k by k×n product of which one
// goroutine computes mt of the rows. kc depends on m and k only (never on
// the split), so results do not depend on the number of goroutines.
func chooseBlocks(m, k, mt, mr, nr int) gemmBlocks {
	// kc: the B micro-panel (kc·nr floats) takes about half of L1. Wide
	// tiles (AVX-512) need at least 4 flops per byte of B micro-panel and so
	// can stream it from L2 instead; a deeper kc then amortizes the C update
	// (measured: 384 beats 128 and 256 for nr ≥ 32 on Zen 4).
	kc := caches.l1 / 2 / (4 * nr)
	if kc < 256 {
		kc = 384
	}
	kc = clampInt(kc, 128, 512)
	// A short, wide product whose whole A fits in a quarter of L2 (the
	// im2col shape of a convolution: 64×576 by 576×25600) runs in one depth
	// block: C is then written once (measured 67 against 61 GFLOP/s).
	if rowsPad := ceilDiv(m, mr) * mr; 4*rowsPad*k <= caches.l2/4 && k <= 1024 {
		kc = max(kc, k)
	}
	// Split k into equal pieces rather than leaving a thin last one.
	if k > kc {
		pieces := (k + kc - 1) / kc
		kc = (k + pieces - 1) / pieces
	} else {
		kc = max(k, 1)
	}
	// mc: the packed A block (mc·kc floats) takes about half of L2.
	mc := caches.l2 / 2 / (4 * kc)
	mc = max(mr, mc/mr*mr)
	// Equal row blocks rather than a thin last one (512 rows: 2×258, not 510+2).
	if mt > mc {
		blocks := ceilDiv(mt, mc)
		mc = ceilDiv(ceilDiv(mt, blocks), mr) * mr
	}
	// nc: the packed B block, from L3. When A is a single block, each B
	// panel is used right after it is packed, so the block only needs to
	// stay in L2, next to A and the prefetched next block (see bPrefetcher):
	// the three in three quarters of L2. (Half of L2 for the block alone
	// overflowed L2 with the prefetch on 64×576×25600: 127 GFLOP/s against
	// 139–144 with these 128 columns, Zen 5.)
	nc := caches.l3 / 4 / (4 * kc)
	if mt <= mc {
		aBytes := 4 * ceilDiv(mt, mr) * mr * kc
		nc = (caches.l2*3/4 - aBytes) / 2 / (4 * kc)
	}
	nc = max(nr, nc/nr*nr)
	return gemmBlocks{mc: mc, kc: kc, nc: nc}
}

func clampInt(v, lo, hi int) int {
	return min(max(v, lo), hi)
}
