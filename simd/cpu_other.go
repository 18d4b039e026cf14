//go:build !amd64 || !gc || purego

package simd

func hasAVX2() bool   { return false }
func hasAVX512() bool { return false }
