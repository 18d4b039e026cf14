package tensor

// gemmBlocks are the GotoBLAS/BLIS loop block sizes: kc is the depth of one
// rank-kc update (packed B micro-panel kc×nr stays in L1 while A micro-panels
// stream past it), mc the rows of the packed A block (kept in L2), nc the
// columns of the packed B block. Only kc changes rounding (it fixes how the
// depth sum is split); mc and nc only change speed, so they may depend on the
// shape and the thread count while results stay bit-identical.
type gemmBlocks struct{ mc, kc, nc int }

func chooseBlocks(m, n, k, mr, nr int) gemmBlocks {
	// kc: the B micro-panel (kc·nr floats) takes about half of L1. Wide
	// tiles (AVX-512) need at least 4 flops per byte of B micro-panel and so
	// can stream it from L2 instead; a deeper kc then amortizes the C update
	// (measured: 384 beats 128 and 256 for nr ≥ 32 on Zen 4).
	kc := caches.l1 / 2 / (4 * nr)
	if kc < 256 {
		kc = 384
	}
	kc = clampInt(kc, 128, 512)
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
	// nc: the packed B block. When A is a single block, each B panel is used
	// right after it is packed, so the block only needs to stay in L2 next to
	// A and the prefetched next block (see bPrefetcher): a quarter of L2.
	nc := caches.l3 / 4 / (4 * kc)
	if m <= mc {
		nc = caches.l2 / 4 / (4 * kc)
	}
	nc = max(nr, nc/nr*nr)
	return gemmBlocks{mc: mc, kc: kc, nc: nc}
}

func clampInt(v, lo, hi int) int {
	return min(max(v, lo), hi)
}
