package data

import (
	"fmt"

	"github.com/harmonic-go/harmonic/internal/rng"
)

// Sampler draws training batches: epochs of a seeded random permutation of
// the set, consumed batch by batch and continuing across epoch boundaries
// (so every image is seen once per epoch even when the batch size does not
// divide N). Its whole state is the step counter, so a resumed run that sets
// Step reproduces the batches of an uninterrupted one exactly.
type Sampler struct {
	set   *Set
	batch int
	seed  uint64
	Step  int // batches drawn so far

	epoch int   // epoch whose permutation is cached
	perm  []int // permutation of that epoch
	idx   []int
}

// NewSampler makes a sampler of batches of the given size over set. A batch
// larger than the set is allowed (small-N memorization runs): it wraps into
// the following epochs.
func NewSampler(set *Set, batch int, seed uint64) (*Sampler, error) {
	if batch <= 0 {
		return nil, fmt.Errorf("data: batch size must be positive, got %d", batch)
	}
	if set.N == 0 {
		return nil, fmt.Errorf("data: %s: cannot sample batches from an empty set", set.Name)
	}
	return &Sampler{set: set, batch: batch, seed: seed, epoch: -1, idx: make([]int, batch)}, nil
}

// Indices returns the image indices of the next batch (valid until the next
// call) and advances Step.
func (s *Sampler) Indices() []int {
	n := s.set.N
	pos := s.Step * s.batch
	for k := range s.idx {
		e, i := (pos+k)/n, (pos+k)%n
		if e != s.epoch {
			s.perm = rng.Derive(s.seed^0xba7c4, uint64(e)).Perm(n)
			s.epoch = e
		}
		s.idx[k] = s.perm[i]
	}
	s.Step++
	return s.idx
}

// Next fills dst (batch·H·W values; nil allocates) with the next batch, laid
// out as a [batch, 1, H, W] tensor expects, and returns it.
func (s *Sampler) Next(dst []float32) []float32 {
	return s.set.Gather(dst, s.Indices())
}
