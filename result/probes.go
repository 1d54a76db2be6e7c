package result

// Probes holds the findings of the probes, each under its name as
// `etcdtune probe <name> -o json` prints it.
type Probes struct {
	Fsync    *Fsync      `json:"fsync,omitempty"`
	Disk     *Disk       `json:"disk,omitempty"`
	Host     *ProbedHost `json:"host,omitempty"`
	Keyspace *Keyspace   `json:"keyspace,omitempty"`
	RTT      *RTT        `json:"rtt,omitempty"`
	Cluster  *Cluster    `json:"cluster,omitempty"`
	Backup   *Backup     `json:"backup,omitempty"`
}
