package probes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/shirou/gopsutil/v4/disk"

	"github.com/etcdtune/etcdtune/fault"
)

// dirInfo is what the disk probes know of the folder they write into.
type dirInfo struct {
	path       string // absolute, symlinks resolved
	fsType     string
	mountpoint string
	source     string // the mount's source, e.g. /dev/mapper/vg-root
	free       uint64
	warnings   []string
}

// checkDir refuses a folder the probes cannot use: missing, not a folder,
// not writable, or without need bytes free (plus a margin, so that the
// probe does not fill the disk other programs use). It also warns when the
// file system makes the figures meaningless for etcd.
func checkDir(ctx context.Context, dir string, need int64) (*dirInfo, error) {
	if dir == "" {
		return nil, fault.Inputf("--path is empty: give a folder on the disk to measure")
	}
	abs, err := filepath.Abs(dir)
	if err == nil {
		abs, err = filepath.EvalSymlinks(abs)
	}
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fault.Inputf("--path %s does not exist", dir)
		}
		return nil, fault.Inputf("--path %s: %v", dir, err)
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return nil, fault.Inputf("--path %s is not a folder", dir)
	}
	if err := tryWrite(abs); err != nil {
		return nil, fault.Inputf("--path %s is not writable: %v", dir, errors.Unwrap(err))
	}
	d := &dirInfo{path: abs}
	if err := d.readMount(ctx); err != nil {
		return nil, fmt.Errorf("disk of %s: %w", dir, err)
	}
	if want := uint64(need + need/10); d.free < want {
		return nil, fault.Inputf("--path %s has %s free; the probe needs %s: choose another folder or a smaller --size",
			dir, formatBytes(d.free), formatBytes(want))
	}
	d.warnings = fsWarnings(d.fsType, dir)
	return d, nil
}

// tryWrite creates and removes a file in dir: the only sure test of
// writability (permissions, a read-only mount, root's privileges).
func tryWrite(dir string) error {
	f, err := os.CreateTemp(dir, tempPrefix+"check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// readMount finds the mount that holds d.path (the longest mount point
// that is a prefix of it) and its free space.
func (d *dirInfo) readMount(ctx context.Context) error {
	parts, err := disk.PartitionsWithContext(ctx, true)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if within(d.path, p.Mountpoint) && len(p.Mountpoint) >= len(d.mountpoint) {
			d.mountpoint, d.fsType, d.source = p.Mountpoint, p.Fstype, p.Device
		}
	}
	u, err := disk.UsageWithContext(ctx, d.path)
	if err != nil {
		return err
	}
	d.free = u.Free
	return nil
}

func within(path, dir string) bool {
	return path == dir || dir == "/" || strings.HasPrefix(path, dir+"/")
}

// networkFileSystems are file systems whose data lives on another machine:
// every fsync is a network round trip, and etcd's docs advise against them.
var networkFileSystems = map[string]bool{"nfs": true, "nfs4": true, "cifs": true, "smb3": true,
	"smbfs": true, "9p": true, "virtiofs": true, "ceph": true, "glusterfs": true, "lustre": true}

// fsWarnings says when a figure measured on fsType says nothing about a
// real deployment of etcd.
func fsWarnings(fsType, dir string) []string {
	switch {
	case fsType == "tmpfs" || fsType == "ramfs":
		return []string{fmt.Sprintf("%s is on %s (memory): fsync costs nothing there, so the figure says nothing about a disk; measure the folder etcd's data dir will be on", dir, fsType)}
	case fsType == "overlay":
		return []string{fmt.Sprintf("%s is on overlay (a container's writable layer), not the volume etcd's data dir would use; measure a mounted volume", dir)}
	case networkFileSystems[fsType] || strings.HasPrefix(fsType, "fuse"):
		return []string{fmt.Sprintf("%s is on %s, a network or user-space file system: each fsync crosses it, and etcd's docs advise against it for the data dir", dir, fsType)}
	}
	return nil
}

// formatBytes prints n in binary units, as df -h does.
func formatBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
