package tensor

import (
	"slices"
	"sync"
	"unsafe"
)

// Snapshots: immutable copies of weights. A convolution checks, every time it
// takes packed weights from the cache (conv3x3_wcache.go), that the weight
// buffer still holds the values they were packed from: a pass over the
// weights and the saved copy, about 8% of a one-image VJP. Autograd instead
// records a snapshot of each weight, whose values cannot change, so every
// later use of it (the forward pass, and the VJPs and JVPs of that
// recording, however many) skips the check. Snapshotting an unchanged
// buffer again returns the same snapshot, so the packings cached for it are
// found again by the next recording, after one comparison.

// snapshotEntries bounds how many snapshots stay findable by their source
// buffer (a 2-level U-Net has 21 weights). A snapshot dropped from the list
// stays valid; the next Snapshot of its source makes a new one.
const snapshotEntries = 256

var snapshots = struct {
	sync.Mutex
	bySource map[*float32]*snapshotEntry
	frozen   map[*float32]bool // buffers of live list entries
	tick     uint64
}{bySource: map[*float32]*snapshotEntry{}, frozen: map[*float32]bool{}}

type snapshotEntry struct {
	snap *Tensor
	used uint64
}

// Snapshot returns a tensor with t's shape and values whose buffer is never
// written: callers must not write it either (through Data or any view).
// Convolutions trust that a snapshot's values are those its cached packings
// were made from. Snapshots of a buffer whose values have not changed since
// the last Snapshot are the same tensor.
func Snapshot(t *Tensor) *Tensor {
	data := denseData(t)
	if len(data) == 0 {
		return t.Clone()
	}
	src := unsafe.SliceData(data)
	snapshots.Lock()
	snapshots.tick++
	e := snapshots.bySource[src]
	if e != nil {
		e.used = snapshots.tick
	}
	snapshots.Unlock()
	// Snapshot buffers are immutable: compare outside the lock.
	if e != nil && len(e.snap.data) == len(data) && slices.Equal(e.snap.shape, t.shape) &&
		sameFloats(e.snap.data, data) {
		return e.snap
	}
	snap := &Tensor{shape: clone(t.shape), strides: contiguousStrides(t.shape), data: append([]float32(nil), data...)}
	snapshots.Lock()
	defer snapshots.Unlock()
	if old := snapshots.bySource[src]; old != nil {
		// The source moved on (a training step): packings of the old values
		// will not be asked for again.
		delete(snapshots.frozen, unsafe.SliceData(old.snap.data))
		dropPackings(unsafe.SliceData(old.snap.data))
	}
	snapshots.bySource[src] = &snapshotEntry{snap: snap, used: snapshots.tick}
	snapshots.frozen[unsafe.SliceData(snap.data)] = true
	for len(snapshots.bySource) > snapshotEntries {
		var lruSrc *float32
		var lru *snapshotEntry
		for s, e := range snapshots.bySource {
			if lru == nil || e.used < lru.used {
				lruSrc, lru = s, e
			}
		}
		delete(snapshots.bySource, lruSrc)
		delete(snapshots.frozen, unsafe.SliceData(lru.snap.data))
	}
	return snap
}

// isSnapshot reports whether w is (a prefix of) a listed snapshot's buffer.
func isSnapshot(w []float32) bool {
	snapshots.Lock()
	defer snapshots.Unlock()
	return snapshots.frozen[unsafe.SliceData(w)]
}
