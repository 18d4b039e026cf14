package linalg

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/harmonic-go/harmonic/internal/parallel"
)

// dcBuffers recycles the merges' n×n work matrices. A 784×784 eigh made
// about 57 MB of them per call, and zeroing fresh memory, page faults and
// the collector took 12–15% of its time (`go test -cpuprofile`).
var dcBuffers sync.Pool

// dcBuffer returns a float64 slice of length n with unspecified contents;
// dcRelease hands it back.
func dcBuffer(n int) []float64 {
	if p, ok := dcBuffers.Get().(*[]float64); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]float64, n)
}

func dcRelease(b []float64) { dcBuffers.Put(&b) }

// Cuppen's divide and conquer for the eigenvectors of a symmetric
// tridiagonal matrix (LAPACK dstedc/dlaed0-3): split T at the middle into
// two tridiagonals plus a rank-one term, solve the halves recursively, then
// merge by solving the secular equation of D + ρzzᵀ. The merge's O(n³) work
// is two matrix products (laGemm), where QL spends 6 flops per entry per
// plane rotation on a memory-bound stream; and clustered spectra (network
// Jacobians, image covariances) deflate, which makes merges cheaper still.
// Orthogonality comes from the Gu–Eisenstat trick: z is recomputed from the
// computed roots so that the eigenvectors are exact for a nearby problem.

// tridiagDCLeaf is the size below which subproblems use QL directly.
const tridiagDCLeaf = 32

// dcSideBySideMin is the size from which dcSolve hands its two halves to
// two workers.
const dcSideBySideMin = 128

// tridiagDC overwrites d with the eigenvalues (ascending) of the tridiagonal
// (d, e) (e[i] couples i and i+1; len(e) ≥ n−1, not modified) and returns
// Z, n×n row-major with column j the eigenvector of d[j].
func tridiagDC(d, e []float64) ([]float64, error) {
	n := len(d)
	z := make([]float64, n*n)
	if n == 0 {
		return z, nil
	}
	ee := append([]float64(nil), e[:n-1]...)
	// Unit scaling by a power of two (exact) keeps the secular equation's
	// products and the deflation tolerances in range.
	scale := laPow2Scale(math.Max(laMaxAbs(d), laMaxAbs(ee)))
	for i := range d {
		d[i] *= scale
	}
	for i := range ee {
		ee[i] *= scale
	}
	if err := dcSolve(d, ee, z, n); err != nil {
		return nil, err
	}
	for i := range d {
		d[i] /= scale
	}
	return z, nil
}

// dcSolve solves the tridiagonal (d, e), len(e) = len(d)−1, into the
// len(d)×len(d) block of z at stride ldz (which must be zero on entry).
func dcSolve(d, e, z []float64, ldz int) error {
	n := len(d)
	if n <= tridiagDCLeaf {
		return dcLeaf(d, e, z, ldz)
	}
	k := n / 2
	beta := e[k-1]
	// T = diag(T1', T2') + |β|·vvᵀ with v = e_{k-1} + sign(β)·e_k, where
	// T1', T2' have |β| taken off their touching diagonal entries.
	ab := math.Abs(beta)
	d[k-1] -= ab
	d[k] -= ab
	// The halves touch disjoint parts of d, e and z, so they run side by
	// side: below the top merge the matrix products are too small to keep
	// two workers busy on their own.
	var errs [2]error
	solveHalf := func(h int) {
		if h == 0 {
			errs[0] = dcSolve(d[:k], e[:k-1], z, ldz)
		} else {
			errs[1] = dcSolve(d[k:], e[k:], z[k*ldz+k:], ldz)
		}
	}
	if n >= dcSideBySideMin {
		parallel.ForEach(2, solveHalf)
	} else {
		solveHalf(0)
		solveHalf(1)
	}
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return err
	}
	// z-vector of the merge: Qᵀv = (last row of Z1, ±first row of Z2)/√2
	// for ρ = 2|β| and a unit vector.
	zv := make([]float64, n)
	sgn := 1 / math.Sqrt2
	if beta < 0 {
		sgn = -sgn
	}
	for i := 0; i < k; i++ {
		zv[i] = z[(k-1)*ldz+i] / math.Sqrt2
	}
	for i := 0; i < n-k; i++ {
		zv[k+i] = sgn * z[k*ldz+k+i]
	}
	return dcMerge(d, zv, 2*ab, z, ldz, k)
}

// dcLeaf solves a small tridiagonal by QL into z (ascending eigenvalues).
func dcLeaf(d, e, z []float64, ldz int) error {
	n := len(d)
	w := make([]float64, n*n)
	for i := 0; i < n; i++ {
		w[i*n+i] = 1
	}
	ee := make([]float64, n)
	copy(ee, e)
	if err := tridiagQL(d, ee, w); err != nil {
		return err
	}
	perm := dcAscending(d)
	vals := make([]float64, n)
	for c, p := range perm {
		vals[c] = d[p]
		for r := 0; r < n; r++ {
			z[r*ldz+c] = w[r*n+p]
		}
	}
	copy(d, vals)
	return nil
}

// dcAscending returns the permutation sorting x ascending (stable).
func dcAscending(x []float64) []int {
	perm := make([]int, len(x))
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(i, j int) int {
		switch {
		case x[i] < x[j]:
			return -1
		case x[i] > x[j]:
			return 1
		}
		return 0
	})
	return perm
}

// dcRot is a deflating plane rotation of sorted coordinates p < q.
type dcRot struct {
	p, q int
	c, s float64
}

// dcMerge computes the eigen-decomposition of diag(d) + ρ·zv·zvᵀ (d[:k] and
// d[k:] each ascending, ‖zv‖ = 1, ρ ≥ 0) and multiplies it into the block
// diagonal diag(Z1, Z2) held in z, leaving the merged eigenvectors there and
// the ascending eigenvalues in d.
func dcMerge(d, zv []float64, rho float64, z []float64, ldz, k int) error {
	n := len(d)
	perm := dcAscending(d)
	ds := make([]float64, n)
	zs := make([]float64, n)
	for i, p := range perm {
		ds[i], zs[i] = d[p], zv[p]
	}
	deflated, rots := dcDeflate(ds, zs, rho)
	var idx []int
	for j := 0; j < n; j++ {
		if !deflated[j] {
			idx = append(idx, j)
		}
	}
	kk := len(idx)
	dk := make([]float64, kk)
	zk := make([]float64, kk)
	for i, j := range idx {
		dk[i], zk[i] = ds[j], zs[j]
	}
	u, lam, err := dcSecularVectors(dk, zk, rho)
	if err != nil {
		return err
	}
	// Output order: all eigenvalues ascending. The merged eigenvectors are
	// diag(Z1, Z2)·Y with Y = P·G_1⋯G_r·X: X (sorted coordinates × output
	// columns) holds the secular eigenvectors of the roots and unit vectors
	// for deflated coordinates, G are the deflating rotations and P undoes
	// the sort. Y is built with its rows already in unsorted order.
	vals := make([]float64, 0, n)
	src := make([]int, 0, n) // ≥ 0: deflated coordinate; < 0: root −1−i
	for j := 0; j < n; j++ {
		if deflated[j] {
			vals = append(vals, ds[j])
			src = append(src, j)
		}
	}
	vals = append(vals, lam...)
	for i := range lam {
		src = append(src, -1-i)
	}
	order := dcAscending(vals)
	// Y's columns go to two matrices: Yr (n × roots, row-major) holds the
	// dense columns of the roots, YsT (deflated × n, one row per column)
	// the sparse ones; dense and sparse list the output column of each.
	nr, ns := len(lam), n-len(lam)
	yr := dcBuffer(n * nr)
	defer dcRelease(yr)
	ysT := dcBuffer(ns * n)
	defer dcRelease(ysT)
	clear(ysT)
	dense := make([]int, 0, nr)
	roots := make([]int, 0, nr) // root of each dense column
	sparse := make([]int, 0, ns)
	for c, o := range order {
		d[c] = vals[o]
		if s := src[o]; s >= 0 {
			ysT[len(sparse)*n+perm[s]] = 1
			sparse = append(sparse, c)
		} else {
			dense = append(dense, c)
			roots = append(roots, -1-s)
		}
	}
	// Rows of deflated coordinates are zero in the dense columns; the
	// others hold the secular vectors, row jj of Yr reading entry jj of
	// every root's vector in output order.
	for j := 0; j < n; j++ {
		if deflated[j] {
			clear(yr[perm[j]*nr : (perm[j]+1)*nr])
		}
	}
	for jj, j := range idx {
		row := yr[perm[j]*nr : (perm[j]+1)*nr]
		for t, i := range roots {
			row[t] = u[i*kk+jj]
		}
	}
	dcRelease(u)
	// The rotations were applied to the coordinates in order, so their
	// product acts on the rows last-first.
	for r := len(rots) - 1; r >= 0; r-- {
		g := rots[r]
		p, q := perm[g.p], perm[g.q]
		dcRotate(yr[p*nr:(p+1)*nr], yr[q*nr:(q+1)*nr], g)
		for t := 0; t < ns; t++ {
			col := ysT[t*n : (t+1)*n]
			col[p], col[q] = g.c*col[p]-g.s*col[q], g.s*col[p]+g.c*col[q]
		}
	}
	dcMultiply(z, ldz, k, yr, ysT, dense, sparse)
	return nil
}

// dcRotate applies the plane rotation g to the rows (rp, rq).
func dcRotate(rp, rq []float64, g dcRot) {
	rq = rq[:len(rp)]
	for c := range rp {
		a, b := rp[c], rq[c]
		rp[c] = g.c*a - g.s*b
		rq[c] = g.s*a + g.c*b
	}
}

// dcMultiply overwrites the n×n block of z, holding diag(Z1, Z2) (Z1 k×k),
// with diag(Z1, Z2)·Y, where Y's column dense[t] is column t of yr (n ×
// len(dense), row-major) and its column sparse[t] is row t of ysT. The
// dense columns, from secular roots, go through two matrix products that
// skip the zero blocks; the sparse ones, from deflated coordinates, have a
// handful of nonzeros (the coordinate and its rotation partners) and are
// combined directly, so strongly deflating merges (clustered spectra) cost
// far less than n³.
func dcMultiply(z []float64, ldz, k int, yr, ysT []float64, dense, sparse []int) {
	n, nr := len(dense)+len(sparse), len(dense)
	outR := dcBuffer(n * nr) // beta 0: old contents ignored
	defer dcRelease(outR)
	dgemm(false, false, k, nr, k, 1, z, ldz, yr, nr, 0, outR, nr)
	dgemm(false, false, n-k, nr, n-k, 1, z[k*ldz+k:], ldz, yr[k*nr:], nr, 0, outR[k*nr:], nr)
	outS := dcBuffer(len(sparse) * n) // row t: output column sparse[t]
	defer dcRelease(outS)
	clear(outS)
	parallel.For(len(sparse), func(lo, hi int) {
		for t := lo; t < hi; t++ {
			col, y := outS[t*n:(t+1)*n], ysT[t*n:(t+1)*n]
			for r, w := range y {
				if w == 0 {
					continue
				}
				i0, i1 := 0, k // column r of diag(Z1, Z2) lives in one half
				if r >= k {
					i0, i1 = k, n
				}
				for i := i0; i < i1; i++ {
					col[i] += w * z[i*ldz+r]
				}
			}
		}
	})
	for i := 0; i < n; i++ {
		zi := z[i*ldz : i*ldz+n]
		for t, c := range dense {
			zi[c] = outR[i*nr+t]
		}
		for t, c := range sparse {
			zi[c] = outS[t*n+i]
		}
	}
}

// dcScaleProducts multiplies p[j] by δ[j]/(d[j] − di) for every j.
func dcScaleProducts(p, delta, d []float64, di float64) {
	delta, d = delta[:len(p)], d[:len(p)]
	for j := range p {
		p[j] *= delta[j] / (d[j] - di)
	}
}

// dcDeflate marks coordinates of the sorted problem diag(ds) + ρ·zs·zsᵀ
// whose eigenpair is already known to working accuracy (LAPACK dlaed2): a
// negligible z component, or two nearly equal diagonal entries, in which
// case a rotation zeroes one of their z components. ds and zs are updated
// in place; the rotations are returned in the order applied.
func dcDeflate(ds, zs []float64, rho float64) ([]bool, []dcRot) {
	n := len(ds)
	tol := 8 * laEps * math.Max(laMaxAbs(ds), rho)
	deflated := make([]bool, n)
	for j := range zs {
		if rho*math.Abs(zs[j]) <= tol {
			deflated[j] = true
			zs[j] = 0
		}
	}
	var rots []dcRot
	prev := -1
	for j := 0; j < n; j++ {
		if deflated[j] {
			continue
		}
		if prev >= 0 {
			s, c := zs[prev], zs[j]
			tau := math.Hypot(c, s)
			t := ds[j] - ds[prev]
			c /= tau
			s = -s / tau
			if math.Abs(t*c*s) <= tol {
				zs[j], zs[prev] = tau, 0
				dp := ds[prev]*c*c + ds[j]*s*s
				ds[j] = ds[prev]*s*s + ds[j]*c*c
				ds[prev] = dp
				// The basis changes by G with columns p: (c, s), q: (−s, c)
				// (LAPACK's drot on Q); the merge applies G to X's rows.
				rots = append(rots, dcRot{p: prev, q: j, c: c, s: s})
				deflated[prev] = true
			}
		}
		prev = j
	}
	return deflated, rots
}

// dcSecularVectors solves the secular equation 1 + ρ·Σ z_j²/(d_j − λ) = 0
// for all K roots (d strictly ascending, z nonzero, ρ > 0) and returns the
// eigenvectors (K×K, row i for root i) and the roots. Roots are independent,
// so they are found in parallel; each eigenvector uses the Gu–Eisenstat z.
// u comes from dcBuffer (a fresh 15 MB at n = 1600 cost more in page faults
// than the loop that first writes it): the caller hands it back.
func dcSecularVectors(d, z []float64, rho float64) (u, lam []float64, err error) {
	kk := len(d)
	u = dcBuffer(kk * kk) // first δ_i[j] = d_j − λ_i, then vectors
	lam = make([]float64, kk)
	fails := make([]bool, kk)
	parallel.For(kk, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			var ok bool
			lam[i], ok = dcSecularRoot(d, z, rho, i, u[i*kk:(i+1)*kk])
			fails[i] = !ok
		}
	})
	for i, f := range fails {
		if f {
			dcRelease(u)
			return nil, nil, fmt.Errorf("tridiag: secular equation root %d of %d did not converge", i, kk)
		}
	}
	// ẑ_j² = (λ_j − d_j)·Π_{i≠j} (d_j − λ_i)/(d_j − d_i), sign of z_j.
	// Every product multiplies its factors in ascending i, as a loop over j
	// then i would, but with i outside the rows of u are read in order and
	// the kk products are independent chains instead of one serial chain
	// of divisions down a column (that loop was 3% of eigh 1600's profile,
	// now under 1%).
	zhat := make([]float64, kk)
	for j := range zhat {
		zhat[j] = -u[j*kk+j]
	}
	for i := 0; i < kk; i++ {
		ui, di := u[i*kk:(i+1)*kk], d[i]
		dcScaleProducts(zhat[:i], ui[:i], d[:i], di)
		dcScaleProducts(zhat[i+1:], ui[i+1:], d[i+1:], di)
	}
	for j, w := range zhat {
		zhat[j] = math.Copysign(math.Sqrt(math.Abs(w)), z[j])
	}
	parallel.For(kk, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ui := u[i*kk : (i+1)*kk]
			for j := range ui {
				ui[j] = zhat[j] / ui[j]
			}
			inv := 1 / laNorm(ui)
			for j := range ui {
				ui[j] *= inv
			}
		}
	})
	return u, lam, nil
}
