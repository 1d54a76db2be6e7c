package probes

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/etcdtune/etcdtune/result"
)

// sysfs is where the kernel describes block devices; a variable so that a
// test could point it elsewhere.
var sysfs = "/sys"

// resolveDevice returns the chain of block devices that hold path, from
// the one it is mounted on (e.g. dm-0, sda2) down, and the disks at the
// bottom. A file system without a block device (tmpfs, overlay, NFS)
// gives nothing, without error.
func resolveDevice(path string) (chain []string, disks []result.BlockDevice, err error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return nil, nil, err
	}
	link := filepath.Join(sysfs, "dev", "block", fmt.Sprintf("%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev)))
	dev, err := filepath.EvalSymlinks(link)
	if err != nil {
		return nil, nil, nil // major 0 and friends: no block device behind the folder
	}
	seen := map[string]bool{}
	var walk func(dev string)
	walk = func(dev string) {
		name := filepath.Base(dev)
		if seen[name] {
			return
		}
		seen[name] = true
		chain = append(chain, deviceLabel(dev))
		if exists(filepath.Join(dev, "partition")) {
			walk(filepath.Dir(dev)) // a partition's folder sits in its disk's
			return
		}
		slaves, _ := filepath.Glob(filepath.Join(dev, "slaves", "*"))
		for _, s := range slaves { // device-mapper (LVM, crypt, RAID): the devices below
			if real, err := filepath.EvalSymlinks(s); err == nil {
				walk(real)
			}
		}
		if len(slaves) == 0 {
			disks = append(disks, readBlockDevice(dev))
		}
	}
	walk(dev)
	return chain, disks, nil
}

// deviceLabel names a device as a user knows it: dm-0 by its mapper name.
func deviceLabel(dev string) string {
	name := filepath.Base(dev)
	if dm := readSys(filepath.Join(dev, "dm", "name")); dm != "" {
		return name + " (" + dm + ")"
	}
	return name
}

func readBlockDevice(dev string) result.BlockDevice {
	d := result.BlockDevice{Name: filepath.Base(dev),
		Model:      readSys(filepath.Join(dev, "device", "model")),
		Vendor:     readSys(filepath.Join(dev, "device", "vendor")),
		Rotational: readSys(filepath.Join(dev, "queue", "rotational")) == "1",
		Scheduler:  activeScheduler(readSys(filepath.Join(dev, "queue", "scheduler"))),
	}
	if drv, err := filepath.EvalSymlinks(filepath.Join(dev, "device", "driver")); err == nil {
		d.Driver = filepath.Base(drv)
	}
	d.Virtual, d.VirtualHint = virtualHint(d)
	return d
}

// activeScheduler picks the scheduler in brackets: "none [mq-deadline] bfq".
func activeScheduler(s string) string {
	if i, j := strings.IndexByte(s, '['), strings.IndexByte(s, ']'); i >= 0 && j > i {
		return s[i+1 : j]
	}
	return s
}

// cloudVolumes are model names of cloud providers' network volumes and of
// hypervisors' emulated disks.
var cloudVolumes = []struct{ model, hint string }{
	{"Amazon Elastic Block Store", "AWS EBS volume (network block storage)"},
	{"Amazon EC2 NVMe Instance Storage", "AWS instance store (local NVMe)"},
	{"PersistentDisk", "Google Persistent Disk (network block storage)"},
	{"nvme_card-pd", "Google Persistent Disk (network block storage)"},
	{"Google EphemeralDisk", "Google local SSD"},
	{"Virtual Disk", "Azure or Hyper-V virtual disk"},
	{"Virtual disk", "VMware virtual disk"},
	{"QEMU", "QEMU emulated disk"},
	{"VBOX", "VirtualBox virtual disk"},
	{"Block Volume", "cloud block volume"},
}

// virtualHint says whether a disk is virtual, and why it seems so.
func virtualHint(d result.BlockDevice) (bool, string) {
	for _, c := range cloudVolumes {
		if strings.Contains(d.Model, c.model) {
			return true, c.hint
		}
	}
	switch {
	case d.Driver == "virtio_blk" || strings.HasPrefix(d.Name, "vd"):
		return true, "virtio disk (the hypervisor decides what is behind it; virtio reports rotational whatever the medium)"
	case d.Driver == "virtio_scsi":
		return true, "virtio-scsi disk"
	case strings.HasPrefix(d.Name, "xvd") || d.Driver == "vbd":
		return true, "Xen virtual disk"
	}
	return false, ""
}

func readSys(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
