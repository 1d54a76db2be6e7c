package reports

import "github.com/etcdtune/etcdtune/probes"

// Probes holds the findings of the probes, each under its name as
// `etcdtune probe <name> -o json` prints it.
type Probes struct {
	Fsync    *probes.Fsync    `json:"fsync,omitempty"`
	Disk     *probes.Disk     `json:"disk,omitempty"`
	Host     *probes.Host     `json:"host,omitempty"`
	Keyspace *probes.Keyspace `json:"keyspace,omitempty"`
	RTT      *probes.RTT      `json:"rtt,omitempty"`
	Cluster  *probes.Cluster  `json:"cluster,omitempty"`
	Backup   *probes.Backup   `json:"backup,omitempty"`
}
