package codec

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// readCorpus decodes the committed seed corpus of a fuzz target: files in the
// "go test fuzz v1" format holding one []byte value each.
func readCorpus(t *testing.T, target string) map[string][]byte {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	files, err := os.ReadDir(dir)
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed corpus in %s: %v", dir, err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		raw, err := os.ReadFile(filepath.Join(dir, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(strings.TrimSpace(string(raw)), "\n", 2)
		if len(lines) != 2 || lines[0] != "go test fuzz v1" {
			t.Fatalf("%s: not a fuzz corpus file", f.Name())
		}
		lit := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
		s, err := strconv.Unquote(lit)
		if err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		out[f.Name()] = []byte(s)
	}
	return out
}

// TestFuzzCorpora checks that the seeds named valid_* load and all others are
// rejected, so the corpora exercise both paths on every plain `go test`.
func TestFuzzCorpora(t *testing.T) {
	for name, in := range readCorpus(t, "FuzzReadNpy") {
		_, err := ReadNpy(bytes.NewReader(in))
		if valid := strings.HasPrefix(name, "valid_"); valid != (err == nil) {
			t.Errorf("npy seed %s: err = %v", name, err)
		}
	}
	for name, in := range readCorpus(t, "FuzzReadSafetensors") {
		_, _, _, err := ReadSafetensors(bytes.NewReader(in), int64(len(in)))
		if valid := strings.HasPrefix(name, "valid_"); valid != (err == nil) {
			t.Errorf("safetensors seed %s: err = %v", name, err)
		}
	}
}
