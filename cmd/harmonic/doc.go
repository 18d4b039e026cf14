// Command harmonic trains and analyses diffusion denoisers on the CPU and
// reruns published studies of them end to end.
//
// Usage:
//
//	harmonic COMMAND [flags]
//
// The commands are:
//
//	info      describe the CPU, the kernels in use, caches and threads
//	bench     time named workloads; the same table as the PyTorch reference script's bench
//	data      fetch, show and summarize datasets (fetch NAME | show NAME --out grid.png | stats NAME)
//	train     train a blind denoiser (bf-unet, bf-cnn) or a tc-unet (vp-eps, heat), with checkpoints and resume
//	denoise   denoise images (PNG or .npy [B,1,H,W]) with a trained checkpoint
//	eval      a denoiser's output PSNR against input PSNR over a grid of σ, on train and held-out images
//	sample    draw samples from a trained denoiser (Kadkhodaie–Simoncelli ascent, Algorithm 1; --sampler ddim: study B's DDIM)
//	jacobian  the Jacobian of a denoiser at a noisy image: eigenpairs of (J+Jᵀ)/2, tr∇f, asymmetry, SURE
//	heat      blur .npy images by the heat equation at time t (study C's forward process): heat blur --input --t --output
//	classifier train the MNIST classifier whose features study C's sample quality uses (train | eval)
//	study     rerun a study (gahb: Kadkhodaie et al., ICLR 2024) with figures, tables and a report
//	job       run one job of a study's plan (job run --plan OUT/plan.json --index I), e.g. as a Slurm array task
//
// 'harmonic COMMAND -h' (or 'harmonic help COMMAND') lists the flags of one
// command on stdout and exits 0; an unknown command or flag exits 2, a
// command that fails exits 1. The commands parse
// flags and call the library; scientific defaults (sizes, budgets, noise
// levels) live in the study presets.
//
// Environment: HARMONIC_SIMD=generic|avx2|avx512 forces a kernel level,
// HARMONIC_WINOGRAD=0 turns the Winograd convolutions off, and HARMONIC_DATA
// is where fetched datasets are cached (default ~/.cache/harmonic).
package main
