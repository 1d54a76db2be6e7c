package result

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Schema names the version of the result file this build writes.
const Schema = "etcdtune.result/v1"

// schemaPrefix is shared by every version of the result file.
const schemaPrefix = "etcdtune.result/"

// Result is the result file: everything one etcdtune run found.
type Result struct {
	Schema      string      `json:"schema"`
	ToolVersion string      `json:"tool_version"`
	EtcdClient  string      `json:"etcd_client_version"`
	Command     string      `json:"command"`
	StartedAt   string      `json:"started_at"`
	EndedAt     string      `json:"ended_at"`
	EndReason   string      `json:"end_reason"`
	Error       string      `json:"error,omitempty"`
	Target      Target      `json:"target"`
	Host        Host        `json:"host"`
	Probes      Probes      `json:"probes"`
	Workloads   []*Workload `json:"workloads"`
	Advice      []Advice    `json:"advice,omitempty"`
}

// Host is the machine the load ran from, as far as the run itself knows;
// the host probe adds the rest.
type Host struct {
	Hostname string `json:"hostname"`
	OS       string `json:"os"`
	Arch     string `json:"arch"`
	CPUs     int    `json:"cpus"`
	Go       string `json:"go"`
}

// ThisHost describes the machine etcdtune runs on.
func ThisHost() Host {
	name, _ := os.Hostname()
	return Host{Hostname: name, OS: runtime.GOOS, Arch: runtime.GOARCH, CPUs: runtime.NumCPU(), Go: runtime.Version()}
}

// WriteJSON writes r as indented JSON.
func WriteJSON(w io.Writer, r *Result) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteFile writes r to path atomically: a partial file never replaces a
// good one, even when the write is interrupted.
func WriteFile(path string, r *Result) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".etcdtune-result-*")
	if err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := WriteJSON(tmp, r); err != nil {
		tmp.Close()
		return fmt.Errorf("write result %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write result %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write result: %w", err)
	}
	return nil
}

// ErrNotResult is returned for a file that is not an etcdtune result.
var ErrNotResult = errors.New("not an etcdtune result file")

// ReadFile reads a result file, refusing anything that is not one.
func ReadFile(path string) (*Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// Read decodes a result, checking its schema: any etcdtune.result version
// up to this one is read; a newer one is refused with a clear error.
func Read(rd io.Reader) (*Result, error) {
	var r Result
	dec := json.NewDecoder(io.LimitReader(rd, 1<<30))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotResult, err)
	}
	switch {
	case !strings.HasPrefix(r.Schema, schemaPrefix):
		return nil, fmt.Errorf("%w: schema %q", ErrNotResult, r.Schema)
	case r.Schema != Schema:
		return nil, fmt.Errorf("result schema %q is newer than this etcdtune reads (%s); upgrade etcdtune", r.Schema, Schema)
	}
	// Every writer walks the workloads; a null entry (found by FuzzRead)
	// would crash them, and etcdtune never writes one.
	for i, w := range r.Workloads {
		if w == nil {
			return nil, fmt.Errorf("%w: workloads[%d] is null", ErrNotResult, i)
		}
	}
	return &r, nil
}
