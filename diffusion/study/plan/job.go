package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Job is one node of a plan, in the form plan.json and config.json hold.
type Job struct {
	ID      string          `json:"id"`
	Kind    string          `json:"kind"`
	Version string          `json:"version"` // the kind's version when the job was planned
	Config  json.RawMessage `json:"config"`  // canonical JSON
	Deps    []string        `json:"deps"`    // IDs of the jobs whose outputs this one reads, in the order Env.Deps lists them
}

// idLength is the number of hex digits of a job ID: 64 bits of sha256, so a
// collision among even a million jobs has probability below 1e-7.
const idLength = 16

// NewJob builds the job of a registered kind with config (any value
// json.Marshal accepts) and deps (job IDs). The kind's registered version
// enters the ID.
func NewJob(kind string, config any, deps ...string) (Job, error) {
	k, err := lookup(kind)
	if err != nil {
		return Job{}, err
	}
	raw, err := json.Marshal(config)
	if err != nil {
		return Job{}, fmt.Errorf("plan: config of a %s job: %w", kind, err)
	}
	canon, err := canonical(raw)
	if err != nil {
		return Job{}, fmt.Errorf("plan: config of a %s job: %w", kind, err)
	}
	for _, d := range deps {
		if !validID(d) {
			return Job{}, fmt.Errorf("plan: dependency %q of a %s job is not a job ID (%d hex digits)", d, kind, idLength)
		}
	}
	deps = append([]string{}, deps...) // never nil, so plan.json says "deps": []
	return Job{ID: jobID(kind, k.version, canon, deps), Kind: kind, Version: k.version, Config: canon, Deps: deps}, nil
}

// jobID hashes everything that determines a job's outputs. The fields cannot
// contain a newline (kind and version are checked at Register, canonical JSON
// escapes control characters, IDs are hex), so the preimage is unambiguous.
func jobID(kind, version string, config json.RawMessage, deps []string) string {
	h := sha256.New()
	io.WriteString(h, kind+"\n"+version+"\n")
	h.Write(config)
	io.WriteString(h, "\n"+strings.Join(deps, " "))
	return hex.EncodeToString(h.Sum(nil))[:idLength]
}

func validID(id string) bool {
	if len(id) != idLength {
		return false
	}
	for _, c := range id {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// canonical re-encodes one JSON value compactly with object keys sorted (as
// encoding/json writes maps) and numbers kept as written, so that equal
// configs give equal bytes whatever struct field order or map iteration
// produced them, and 64-bit seeds survive without a detour through float64.
func canonical(raw []byte) (json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("more than one JSON value")
	}
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
