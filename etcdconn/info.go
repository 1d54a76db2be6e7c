package etcdconn

import (
	"context"
	"fmt"
	"time"
)

// Info describes the target for the result file.
type Info struct {
	Endpoints     []string `json:"endpoints"`
	Embedded      bool     `json:"embedded"`
	DataDir       string   `json:"data_dir,omitempty"`
	ServerVersion string   `json:"server_version"`
	ClusterID     string   `json:"cluster_id,omitempty"`
	Leader        string   `json:"leader,omitempty"`
	Revision      int64    `json:"revision"`
	Members       []Member `json:"members"`
}

// Member is one member as its own status reports it.
type Member struct {
	Name         string `json:"name"`
	ID           string `json:"id"`
	Endpoint     string `json:"endpoint"`
	Version      string `json:"version"`
	IsLeader     bool   `json:"is_leader"`
	IsLearner    bool   `json:"is_learner"`
	DBSizeBytes  int64  `json:"db_size_bytes"`
	DBInUseBytes int64  `json:"db_in_use_bytes"`
	RaftTerm     uint64 `json:"raft_term"`
	RaftIndex    uint64 `json:"raft_index"`
	Error        string `json:"error,omitempty"`
}

// infoTimeout bounds each status call of Info.
const infoTimeout = 5 * time.Second

// Info asks each endpoint for its status and the cluster for its members.
// A member that does not answer is listed with its error, not dropped.
func (t *Target) Info(ctx context.Context) Info {
	info := Info{Endpoints: t.endpoints, Embedded: t.embedded != nil}
	if t.embedded != nil {
		info.DataDir = t.embedded.DataDir()
	}
	c := t.clients[0]
	names := map[uint64]string{}
	if ml, err := c.MemberList(ctx); err == nil {
		names = make(map[uint64]string, len(ml.Members))
		for _, m := range ml.Members {
			names[m.ID] = m.Name
		}
	}
	for _, ep := range t.endpoints {
		cctx, cancel := context.WithTimeout(ctx, infoTimeout)
		st, err := c.Status(cctx, ep)
		cancel()
		m := Member{Endpoint: ep}
		if err != nil {
			m.Error = err.Error()
			info.Members = append(info.Members, m)
			continue
		}
		m.ID = fmt.Sprintf("%x", st.Header.MemberId)
		m.Name = names[st.Header.MemberId]
		m.Version = st.Version
		m.IsLeader = st.Leader == st.Header.MemberId
		m.IsLearner = st.IsLearner
		m.DBSizeBytes, m.DBInUseBytes = st.DbSize, st.DbSizeInUse
		m.RaftTerm, m.RaftIndex = st.RaftTerm, st.RaftIndex
		info.ClusterID = fmt.Sprintf("%x", st.Header.ClusterId)
		info.Leader = fmt.Sprintf("%x", st.Leader)
		if st.Header.Revision > info.Revision {
			info.Revision = st.Header.Revision
		}
		if info.ServerVersion == "" {
			info.ServerVersion = st.Version
		}
		info.Members = append(info.Members, m)
	}
	return info
}
