package result

// Disk is the disk probe's finding: the device behind a folder, what it
// is, how fast it writes, and its class for etcd.
type Disk struct {
	Path   string `json:"path"`
	Device string `json:"device"` // the device the file system is on, e.g. dm-0 (vg-root)
	// Stack is the chain of devices from the file system's down to the
	// disks: dm-0 (vg-root), sda2, sda.
	Stack         []string      `json:"stack,omitempty"`
	Disks         []BlockDevice `json:"disks,omitempty"`
	FsType        string        `json:"fs_type"`
	Mountpoint    string        `json:"mountpoint"`
	Rotational    bool          `json:"rotational"`
	Virtual       bool          `json:"virtual"`
	FreeBytes     uint64        `json:"free_bytes"`
	SeqWriteMBps  float64       `json:"seq_write_mb_s"`
	RandWriteIOPS float64       `json:"rand_write_iops"`
	FsyncP50Ms    float64       `json:"fsync_p50_ms"`
	FsyncP99Ms    float64       `json:"fsync_p99_ms"`
	FsyncIOPS     float64       `json:"fsync_iops"`
	Class         string        `json:"class"`
	ClassReason   string        `json:"class_reason"`
	Warnings      []string      `json:"warnings,omitempty"`
}

// BlockDevice is one physical (or virtual) disk under a folder: what
// remains after partitions, LVM and device-mapper are looked through.
type BlockDevice struct {
	Name       string `json:"name"` // e.g. vda, nvme0n1, sda
	Model      string `json:"model,omitempty"`
	Vendor     string `json:"vendor,omitempty"`
	Driver     string `json:"driver,omitempty"`
	Rotational bool   `json:"rotational"`
	Scheduler  string `json:"scheduler,omitempty"`
	Virtual    bool   `json:"virtual"`
	// VirtualHint says why the disk is taken for virtual: its driver or a
	// cloud volume's model name.
	VirtualHint string `json:"virtual_hint,omitempty"`
}
