package tensor

// GEMM never reads its operands directly: it asks a source to pack blocks of
// them into the panel layout its micro-kernel streams through (BLIS-style).
// Plain matrices use strided sources; convolution supplies sources that read
// images in place (implicit im2col), so the im2col matrix never exists.

// aSource packs rows [i0, i0+mc) × depth [k0, k0+kc) of a logical M×K matrix
// into dst as ceil(mc/mr) micro-panels. Panel p occupies dst[p*mr*kc : (p+1)*mr*kc];
// inside it, depth step kk holds mr consecutive values (rows i0+p*mr .. +mr-1).
// Rows past mc are written as zeros.
type aSource interface {
	packA(dst []float32, i0, mc, k0, kc, mr int)
}

// bSource packs depth [k0, k0+kc) × columns [j0, j0+nc) of a logical K×N
// matrix into dst as ceil(nc/nr) panels. Panel p occupies dst[p*nr*kc : (p+1)*nr*kc];
// inside it, depth step kk holds nr consecutive values (columns j0+p*nr .. +nr-1).
// Columns past nc are written as zeros.
type bSource interface {
	packB(dst []float32, k0, kc, j0, nc, nr int)
}
