// Package codec reads and writes tensors in the formats harmonic exchanges
// with numpy and PyTorch: .npy (float32 and float64 out; float, integer and
// boolean dtypes in), safetensors (F32), and images (PNG grids out; PNG and
// JPEG in, as grayscale). Files are written atomically with mode 0644
// (internal/atomicfile). Every error caused by malformed input wraps
// ErrFormat; errors of the file functions name the file.
package codec
