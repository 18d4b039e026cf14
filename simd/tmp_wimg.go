package simd

// TEMPORARY stand-in until the wpad branch lands (same contract).
func WinogradInputImage2x3(x []float32, chStride, h, w, i, j0, nc, n int, dst []float32, xiStride, cStride int) {
	at := func(c, row, col int) float32 {
		if row < 0 || row >= h || col < 0 || col >= w {
			return 0
		}
		return x[c*chStride+row*w+col]
	}
	for c := 0; c < nc; c++ {
		for j := j0; j < j0+n; j++ {
			var d, t [4][4]float32
			for r := range 4 {
				for s := range 4 {
					d[r][s] = at(c, 2*i-1+r, 2*j-1+s)
				}
			}
			for s := range 4 {
				t[0][s] = d[0][s] - d[2][s]
				t[1][s] = d[1][s] + d[2][s]
				t[2][s] = d[2][s] - d[1][s]
				t[3][s] = d[1][s] - d[3][s]
			}
			out := dst[c*cStride+j-j0:]
			for r := range 4 {
				out[(4*r+0)*xiStride] = t[r][0] - t[r][2]
				out[(4*r+1)*xiStride] = t[r][1] + t[r][2]
				out[(4*r+2)*xiStride] = t[r][2] - t[r][1]
				out[(4*r+3)*xiStride] = t[r][1] - t[r][3]
			}
		}
	}
}
