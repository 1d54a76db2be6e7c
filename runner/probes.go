package runner

import (
	"context"

	"github.com/etcdtune/etcdtune/probes"
)

// probePhase runs the five probes in order. A probe that fails is noted
// and skipped: the verdicts that need its figure say "not measured", and
// the rest of the run still tells the user something.
type probePhase struct{ o *Options }

// Steps is the five probes.
func (probePhase) Steps() int { return 5 }

func (ph probePhase) Run(ctx context.Context, s *State) error {
	r := newSizing(ph.o, s)
	diskDir := ph.o.DiskDir
	if diskDir == "" {
		diskDir = s.DataDir
	}
	p, plan := &r.res.Probes, r.o.Timing
	var err error
	s.Step("host probe", nil, func() {
		if p.Host, err = probes.Host(ctx, probes.HostOptions{Window: plan.HostWindow}); err != nil {
			r.skipped(ctx, "host probe", err)
		}
	})
	s.Step("fsync probe", nil, func() {
		if diskDir == "" {
			s.Note("fsync and disk probes skipped: the members' disks are not on this machine (give --disk-path to probe a local folder); the disk verdict reads the server's WAL fsync instead")
			return
		}
		if p.Fsync, err = probes.Fsync(ctx, probes.FsyncOptions{Dir: diskDir, Size: plan.FsyncBytes}); err != nil {
			r.skipped(ctx, "fsync probe", err)
		}
	})
	s.Step("disk probe", nil, func() {
		if p.Fsync == nil {
			return // the disk's class rests on the fsync figure
		}
		p.Disk, err = probes.Disk(ctx, probes.DiskOptions{Dir: diskDir, SeqSize: plan.DiskSeqBytes,
			RandDuration: plan.DiskRand, Fsync: p.Fsync})
		if err != nil {
			r.skipped(ctx, "disk probe", err)
		}
		settleDisk()
	})
	s.Step("rtt probe", nil, func() {
		cfg := probes.RTTOptions{Samples: plan.RTTSamples, RequestTimeout: r.o.Target.CommandTimeout, MetricsURLs: r.o.MetricsURLs}
		if p.RTT, err = probes.RTT(ctx, r.t, cfg); err != nil {
			r.skipped(ctx, "rtt probe", err)
		}
	})
	s.Step("cluster probe", nil, func() {
		cfg := probes.ClusterOptions{Window: plan.ClusterWindow, MetricsURLs: r.o.MetricsURLs, RequestTimeout: r.o.Target.CommandTimeout}
		if p.Cluster, err = probes.Cluster(ctx, r.t, cfg); err != nil {
			r.skipped(ctx, "cluster probe", err)
		}
	})
	return nil
}
