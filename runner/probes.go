package runner

import (
	"context"

	"github.com/etcdtune/etcdtune/probes"
)

// probe runs the five probes in order. A probe that fails is noted and
// skipped: the verdicts that need its figure say "not measured", and the
// rest of the run still tells the user something.
func (r *runner) probe(ctx context.Context) {
	p, plan := &r.res.Probes, r.o.Plan
	var err error
	r.step("host probe", nil, func() {
		if p.Host, err = probes.HostProbe(ctx, plan.HostWindow); err != nil {
			r.skipped(ctx, "host probe", err)
		}
	})
	r.step("fsync probe", nil, func() {
		if r.o.DiskDir == "" {
			r.o.Observer.Note("fsync and disk probes skipped: the members' disks are not on this machine (give --disk-path to probe a local folder); the disk verdict reads the server's WAL fsync instead")
			return
		}
		if p.Fsync, err = probes.FsyncProbe(ctx, probes.FsyncOptions{Dir: r.o.DiskDir, Size: plan.FsyncBytes}); err != nil {
			r.skipped(ctx, "fsync probe", err)
		}
	})
	r.step("disk probe", nil, func() {
		if p.Fsync == nil {
			return // the disk's class rests on the fsync figure
		}
		p.Disk, err = probes.DiskProbe(ctx, probes.DiskOptions{Dir: r.o.DiskDir, SeqSize: plan.DiskSeqBytes,
			RandDuration: plan.DiskRand, Fsync: p.Fsync})
		if err != nil {
			r.skipped(ctx, "disk probe", err)
		}
		settleDisk()
	})
	r.step("rtt probe", nil, func() {
		cfg := probes.RTTConfig{Samples: plan.RTTSamples, RequestTimeout: r.o.Target.CommandTimeout, MetricsURLs: r.o.MetricsURLs}
		if p.RTT, err = probes.MeasureRTT(ctx, r.t, cfg); err != nil {
			r.skipped(ctx, "rtt probe", err)
		}
	})
	r.step("cluster probe", nil, func() {
		cfg := probes.ClusterConfig{Window: plan.ClusterWindow, MetricsURLs: r.o.MetricsURLs, RequestTimeout: r.o.Target.CommandTimeout}
		if p.Cluster, err = probes.ProbeCluster(ctx, r.t, cfg); err != nil {
			r.skipped(ctx, "cluster probe", err)
		}
	})
}
