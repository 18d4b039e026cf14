package tensor

// gemmBlocks are the GotoBLAS/BLIS loop block sizes: kc is the depth of one
// rank-kc update (packed B micro-panel kc×nr stays in L1 while A micro-panels
// stream past it), mc the rows of the packed A block (kept in L2), nc the
// columns of the packed B block. Only kc changes rounding (it fixes how the
// depth sum is split); mc and nc only change speed, so they may depend on the
// shape and the thread count while results stay bit-identical.
type gemmBlocks struct{ mc, kc, nc int }

func chooseBlocks(m, n, k, mr, nr int) gemmBlocks {
	// kc: the B micro-panel (kc·nr floats) takes about half of L1.
	kc := caches.l1 / 2 / (4 * nr)
	kc = clampInt(kc, 128, 384)
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
	// nc: the packed B block; kept within L2 as well when A is a single block,
	// since then each B panel is used right after it is packed.
	nc := caches.l3 / 4 / (4 * kc)
	if m <= mc {
		nc = caches.l2 / 2 / (4 * kc)
	}
	nc = max(nr, nc/nr*nr)
	return gemmBlocks{mc: mc, kc: kc, nc: nc}
}

func clampInt(v, lo, hi int) int {
	return min(max(v, lo), hi)
}
