package result

// ProbedHost is the host probe's finding: what the machine etcd runs on has.
type ProbedHost struct {
	Hostname       string  `json:"hostname"`
	OS             string  `json:"os"`
	Platform       string  `json:"platform,omitempty"`
	Kernel         string  `json:"kernel"`
	Arch           string  `json:"arch"`
	Virtualization string  `json:"virtualization,omitempty"` // e.g. kvm guest
	CPUs           int     `json:"cpus"`                     // logical CPUs this process may use
	CPUModel       string  `json:"cpu_model,omitempty"`
	MemoryBytes    uint64  `json:"memory_bytes"`
	AvailableBytes uint64  `json:"available_bytes"`
	SwapBytes      uint64  `json:"swap_bytes"`
	SwapUsedBytes  uint64  `json:"swap_used_bytes"`
	Load1          float64 `json:"load1"`
	Load5          float64 `json:"load5"`
	Load15         float64 `json:"load15"`
	// StealPct is the share of CPU time the hypervisor gave to others
	// over WindowS: on a VM above a few percent, etcd's latencies suffer.
	StealPct float64  `json:"steal_pct"`
	WindowS  float64  `json:"window_s"`
	Warnings []string `json:"warnings,omitempty"`
}
