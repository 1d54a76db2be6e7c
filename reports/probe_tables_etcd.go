package reports

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/etcdtune/etcdtune/result"
)

// The tables of the probes that read a cluster: keyspace, rtt, cluster and
// backup.

func writeKeyspaceTable(w io.Writer, ks *result.Keyspace) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	sampled := ""
	if ks.Sampled {
		sampled = " (sampled: stopped at --sample)"
	}
	fmt.Fprintf(w, "%d keys under %q at revision %d, %s of keys and %s of values%s\n",
		ks.Keys, ks.Prefix, ks.Revision, mib(uint64(ks.KeyBytes)), mib(uint64(ks.ValueBytes)), sampled)
	fmt.Fprintln(tw, "keys\tkey bytes\tvalue bytes\tlargest value\t prefix")
	for _, g := range ks.Groups {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t %s\n", g.Keys, g.KeyBytes, g.ValueBytes, g.MaxValue, g.Prefix)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "events: %.1f%% of keys, %.1f%% of bytes\n", ks.EventKeysPct, ks.EventBytesPct)
	for _, k := range ks.Largest {
		fmt.Fprintf(w, "largest: %d B %s\n", k.Bytes, k.Key)
	}
	fmt.Fprintf(w, "%d objects over 1 MiB (etcd refuses requests over 1.5 MiB)\n", len(ks.NearLimit))
	return nil
}

func writeRTTTable(w io.Writer, r *result.RTT) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(r.Members) > 0 { // none when only --peer-urls were timed
		fmt.Fprintf(tw, "client -> member (%s)\n", r.Method)
		fmt.Fprintln(tw, "ENDPOINT\tSAMPLES\tERRORS\tP50 ms\tP90 ms\tP99 ms\tMAX ms\tMEAN ms")
		for _, m := range r.Members {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", m.Endpoint, m.Samples, m.Errors, m.P50, m.P90, m.P99, m.Max, m.Mean)
		}
	}
	fmt.Fprintln(tw, "\npeer -> peer (etcd_network_peer_round_trip_time_seconds, or timed GET /raft/probing from this host)")
	fmt.Fprintln(tw, "FROM\tTO\tOBSERVATIONS\tMEAN ms\tP99 ms\tP99 BUCKET ms")
	for _, p := range r.Peers {
		bucket := bucketText(p.P99)
		if p.Source != "" {
			bucket = "exact (timed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f\t%.2f\t%s\n", p.From, p.To, p.Observations, p.MeanMs, p.P99.Ms, bucket)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "note: %s\n", r.PeerNote)
	return err
}

func writeClusterTable(w io.Writer, c *result.Cluster) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "cluster %s, leader %s, %d alarms\n", c.ClusterID, c.Leader, len(c.Alarms))
	for _, a := range c.Alarms {
		fmt.Fprintf(tw, "ALARM %s on %s\n", a.Alarm, a.MemberID)
	}
	fmt.Fprintln(tw, "ID\tNAME\tENDPOINT\tVERSION\tROLE\tTERM\tINDEX\tDB MB\tIN USE MB\tHEALTHY")
	for _, m := range c.Members {
		healthy := "-"
		if m.Healthy != nil {
			healthy = fmt.Sprint(*m.Healthy)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%.1f\t%.1f\t%s\n", m.ID, m.Name, m.Endpoint, m.Version, memberRole(m.IsLeader, m.IsLearner),
			m.RaftTerm, m.RaftIndex, float64(m.DBSizeBytes)/1e6, float64(m.DBInUseBytes)/1e6, healthy)
	}
	w8 := c.Window
	fmt.Fprintf(tw, "\nserver metrics over %.1f s\n", w8.WindowS)
	fmt.Fprintln(tw, "ID\tWAL FSYNC P99 ms\tCOMMIT P99 ms\tPEER RTT P99 ms\tLEADER CHANGES\tSLOW APPLIES\tFAILED\tPENDING\tCOMMIT-APPLY\tHAS LEADER")
	for _, m := range w8.Members {
		if m.Error != "" {
			fmt.Fprintf(tw, "%s\t%s\n", m.ID, m.Error)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f\t%v\n", m.ID, p99Text(m.WALFsync), p99Text(m.BackendCommit),
			m.PeerRTTP99Ms, m.LeaderChanges, m.SlowApplies, m.ProposalsFailed, m.ProposalsPending, m.CommittedMinusApplied, m.HasLeader)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "note: %s\n", w8.Note)
	return err
}

func writeBackupTable(w io.Writer, b *result.Backup) error {
	l := b.Load
	_, err := fmt.Fprintf(w, "snapshot from %s (%s): %d bytes in %.3f s, %.1f MB/s\n"+
		"light load (%d/s, key %s): before p99 %.2f ms (%d ops, %d errors), during p99 %.2f ms (%d ops, %d errors), ratio %.2f\n",
		b.Endpoint, b.Destination, b.Bytes, b.DurationS, b.MBPerS,
		l.RateHz, l.Key, l.Before.P99Ms, l.Before.Ops, l.Before.Errors, l.During.P99Ms, l.During.Ops, l.During.Errors, l.P99Ratio)
	if err == nil && l.Note != "" {
		_, err = fmt.Fprintf(w, "note: %s\n", l.Note)
	}
	return err
}

func p99Text(h result.WindowHistogram) string {
	if h.P99 == nil {
		return "none"
	}
	return fmt.Sprintf("%.2f %s", h.P99.Ms, bucketText(*h.P99))
}

// bucketText shows a quantile's bucket, the only thing certain about it.
func bucketText(q result.Quantile) string {
	if q.UpperMs < 0 {
		return fmt.Sprintf("> %.1f", q.LowerMs)
	}
	return fmt.Sprintf("(%.1f, %.1f]", q.LowerMs, q.UpperMs)
}
