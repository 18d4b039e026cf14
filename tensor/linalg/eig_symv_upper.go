package linalg

import (
	"github.com/harmonic-go/harmonic/internal/parallel"
	"github.com/harmonic-go/harmonic/simd"
)

// The panels' matrix–vector products p = A₂₂·v read only the upper triangle
// of the trailing block (row i, columns ≥ i, contiguous in row-major
// storage): each row, read once, gives its own dot product with v and, read
// as a column, adds v_i times itself to the entries below the diagonal
// (simd.DdotAxpy). That is half the memory traffic of reading full rows,
// which bounds these products once the block outgrows the caches.
//
// The column contributions of different rows land on the same entries, so
// the rows are cut into chunks fixed by m alone, each summing into its own
// vector; the chunks run in parallel and their vectors are added in chunk
// order afterwards. So the bits do not depend on the number of workers:
//
//	p_i = ((a_ii·v_i + Ddot(a_i,i+1.., v_i+1..)) + q_0[i]) + q_1[i] + … ,
//	q_c[i] = Σ v_r·a_ri over the rows r < i of chunk c, in increasing r.
//
// Within a chunk the rows go four at a time (simd.DdotAxpy4 loads v and
// q_c once for the four), from the chunk's first row on, the rest one at a
// time. Four rows r..r+3 share the columns from r+4 on; before that, the
// few entries of the staircase are summed one by one:
//
//	p_{r+u} = (a_{r+u,r+u}·v_{r+u} + Σ_{r+u<k<r+4} a_{r+u,k}·v_k) + Ddot(a_{r+u,r+4..}, v_{r+4..}).

// eigSymvChunks is the most chunks a product is cut into, and
// eigSymvChunkRows the fewest rows per chunk.
const (
	eigSymvChunks    = 8
	eigSymvChunkRows = 64
)

// eigSymv holds the chunk vectors and bounds, reused across the columns of
// a reduction.
type eigSymv struct {
	q      []float64
	bounds []int
}

// upperProduct sets p[i] = Σ_k A₂₂[i][k]·v[k] for i < m = len(v), where
// A₂₂ = a[k0*n+k0:] with row stride n is symmetric and only its upper
// triangle is read.
func (s *eigSymv) upperProduct(a []float64, n, k0 int, v, p []float64) {
	m := len(v)
	p = p[:m]
	chunks := s.chunkBounds(m)
	if len(s.q) < chunks*m {
		s.q = make([]float64, chunks*m)
	}
	body := func(lo, hi int) {
		for c := lo; c < hi; c++ {
			r0, r1 := s.bounds[c], s.bounds[c+1]
			q := s.q[c*m : (c+1)*m]
			clear(q[r0:])
			r := r0
			for ; r+4 <= r1; r += 4 {
				s.rows4(a, n, k0, r, v, p, q)
			}
			for ; r < r1; r++ {
				row := a[(k0+r)*n+k0+r : (k0+r)*n+k0+m]
				p[r] = float64(row[0]*v[r]) + simd.DdotAxpy(row[1:], v[r+1:], q[r+1:], v[r])
			}
		}
	}
	if m*m < 1<<14 {
		body(0, chunks)
	} else {
		parallel.For(chunks, body)
	}
	for c := 0; c < chunks; c++ {
		q := s.q[c*m : (c+1)*m]
		for i := s.bounds[c] + 1; i < m; i++ {
			p[i] += q[i]
		}
	}
}

// rows4 computes rows r..r+3 (r+4 ≤ len(v)) of a chunk: their p entries,
// and their column contributions into the chunk's vector q.
func (s *eigSymv) rows4(a []float64, n, k0, r int, v, p, q []float64) {
	m := len(v)
	base := a[(k0+r)*n+k0:]
	var head [4]float64
	for u := 0; u < 4; u++ {
		row := base[u*n : u*n+m]
		vu := v[r+u]
		h := float64(row[r+u] * vu)
		for k := r + u + 1; k < r+4; k++ {
			h += float64(row[k] * v[k])
			q[k] += float64(vu * row[k])
		}
		head[u] = h
	}
	c0 := r + 4
	sv := [4]float64{v[r], v[r+1], v[r+2], v[r+3]}
	out := simd.DdotAxpy4(base[c0:], n, v[c0:], q[c0:], &sv)
	for u := range out {
		p[r+u] = head[u] + out[u]
	}
}

// chunkBounds cuts rows 0..m-1 of an upper triangle (row r holds m−r
// entries) into chunks of about equal area, s.bounds[c]..s.bounds[c+1],
// and returns their number; it depends on m only.
func (s *eigSymv) chunkBounds(m int) int {
	chunks := max(1, min(eigSymvChunks, m/eigSymvChunkRows))
	s.bounds = append(s.bounds[:0], 0)
	total := m * (m + 1) / 2
	area, r := 0, 0
	for c := 1; c < chunks; c++ {
		for r < m && area*chunks < c*total {
			area += m - r
			r++
		}
		s.bounds = append(s.bounds, r)
	}
	s.bounds = append(s.bounds, m)
	return chunks
}
