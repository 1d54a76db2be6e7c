package probes

import (
	"context"
	"errors"
	"fmt"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
)

// ClusterConfig says how to look at the cluster.
type ClusterConfig struct {
	// Window is how long the server metrics are watched (required, > 0).
	Window time.Duration
	// MetricsURLs as in RTTConfig.
	MetricsURLs []string
	// RequestTimeout bounds each request.
	RequestTimeout time.Duration
}

// Validate checks the configuration before any connection is made.
func (c ClusterConfig) Validate() error {
	if c.Window <= 0 {
		return fault.Inputf("--window must be positive (e.g. 30s), got %v", c.Window)
	}
	return nil
}

// Cluster is the finding of the cluster probe (probes.cluster).
type Cluster struct {
	ClusterID string          `json:"cluster_id"`
	Leader    string          `json:"leader"` // member ID, "" if none
	Members   []ClusterMember `json:"members"`
	Alarms    []Alarm         `json:"alarms"`
	Window    *MetricsWindow  `json:"metrics_window"`
}

// ClusterMember is one member as the member list and, when it is one of the
// endpoints, its own status show it.
type ClusterMember struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	IsLearner  bool     `json:"is_learner"`
	PeerURLs   []string `json:"peer_urls"`
	ClientURLs []string `json:"client_urls"`
	// The rest is from Status and the health check of Endpoint, when the
	// member is one of the endpoints.
	Endpoint         string   `json:"endpoint,omitempty"`
	Version          string   `json:"version,omitempty"`
	IsLeader         bool     `json:"is_leader"`
	RaftTerm         uint64   `json:"raft_term,omitempty"`
	RaftIndex        uint64   `json:"raft_index,omitempty"`
	RaftAppliedIndex uint64   `json:"raft_applied_index,omitempty"`
	DBSizeBytes      int64    `json:"db_size_bytes,omitempty"`
	DBInUseBytes     int64    `json:"db_in_use_bytes,omitempty"`
	Healthy          *bool    `json:"healthy,omitempty"`
	HealthMs         float64  `json:"health_ms,omitempty"`
	Errors           []string `json:"errors,omitempty"`
}

// Alarm is an alarm raised on a member (NOSPACE, CORRUPT).
type Alarm struct {
	MemberID string `json:"member_id"`
	Alarm    string `json:"alarm"`
}

// ProbeCluster reads the members, their status, health and alarms, then
// watches the server metrics of every endpoint for cfg.Window.
func ProbeCluster(ctx context.Context, t *etcdconn.Target, cfg ClusterConfig) (*Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	urls, err := MetricsURLs(t, cfg.MetricsURLs)
	if err != nil {
		return nil, err
	}
	c := t.Clients()[0]
	res := &Cluster{Alarms: []Alarm{}}
	if err := res.readMembers(ctx, c, cfg.RequestTimeout); err != nil {
		return nil, err
	}
	for _, ep := range t.Endpoints() {
		res.readStatus(ctx, t, ep, cfg.RequestTimeout)
	}
	w, err := WatchMetrics(ctx, t.HTTPClient(), urls, cfg.Window)
	if err != nil {
		return nil, err
	}
	res.Window = w
	return res, nil
}

func (res *Cluster) readMembers(ctx context.Context, c *clientv3.Client, timeout time.Duration) error {
	cctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	ml, err := c.MemberList(cctx)
	if err != nil {
		return etcdconn.Unreachable("member list", errors.New(rpctypes.ErrorDesc(err)))
	}
	res.ClusterID = fmt.Sprintf("%x", ml.Header.ClusterId)
	for _, m := range ml.Members {
		res.Members = append(res.Members, ClusterMember{ID: fmt.Sprintf("%x", m.ID), Name: m.Name,
			IsLearner: m.IsLearner, PeerURLs: m.PeerURLs, ClientURLs: m.ClientURLs})
	}
	actx, cancel2 := withTimeout(ctx, timeout)
	defer cancel2()
	alarms, err := c.AlarmList(actx)
	if err != nil {
		return etcdconn.Unreachable("alarm list", errors.New(rpctypes.ErrorDesc(err)))
	}
	for _, a := range alarms.Alarms {
		res.Alarms = append(res.Alarms, Alarm{MemberID: fmt.Sprintf("%x", a.MemberID), Alarm: a.Alarm.String()})
	}
	return nil
}

// readStatus fills the member behind ep from its status and health; a
// member that does not answer keeps the error.
func (res *Cluster) readStatus(ctx context.Context, t *etcdconn.Target, ep string, timeout time.Duration) {
	cli, err := t.DialEndpoint(ctx, ep)
	if err != nil {
		res.member("", ep).Errors = append(res.member("", ep).Errors, err.Error())
		return
	}
	defer cli.Close()
	cctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	st, err := pb.NewMaintenanceClient(cli.ActiveConnection()).Status(cctx, &pb.StatusRequest{})
	if err != nil {
		m := res.member("", ep)
		m.Errors = append(m.Errors, "status: "+rpctypes.ErrorDesc(err))
		return
	}
	m := res.member(fmt.Sprintf("%x", st.Header.MemberId), ep)
	m.Version, m.IsLeader = st.Version, st.Leader == st.Header.MemberId
	m.RaftTerm, m.RaftIndex, m.RaftAppliedIndex = st.RaftTerm, st.RaftIndex, st.RaftAppliedIndex
	m.DBSizeBytes, m.DBInUseBytes = st.DbSize, st.DbSizeInUse
	m.Errors = append(m.Errors, st.Errors...)
	if st.Leader != 0 && m.IsLeader {
		res.Leader = m.ID
	} else if st.Leader != 0 && res.Leader == "" {
		res.Leader = fmt.Sprintf("%x", st.Leader)
	}
	healthy, took, herr := checkHealth(ctx, cli, timeout)
	m.Healthy, m.HealthMs = &healthy, float64(took.Microseconds())/1000
	if herr != "" {
		m.Errors = append(m.Errors, "health: "+herr)
	}
}

// member returns the member with id, adding one for ep when the member
// list does not have it (or id is unknown).
func (res *Cluster) member(id, ep string) *ClusterMember {
	for i := range res.Members {
		if id != "" && res.Members[i].ID == id {
			res.Members[i].Endpoint = ep
			return &res.Members[i]
		}
	}
	res.Members = append(res.Members, ClusterMember{ID: id, Endpoint: ep})
	return &res.Members[len(res.Members)-1]
}

// checkHealth is etcdctl's endpoint health: a linearizable read of the key
// "health" goes through the leader's read index, so it succeeds only when
// the member is part of a working quorum. Permission denied still proves
// that, as etcdctl counts it.
func checkHealth(ctx context.Context, cli *clientv3.Client, timeout time.Duration) (bool, time.Duration, string) {
	cctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	_, err := cli.Get(cctx, "health")
	took := time.Since(start)
	if err == nil || errors.Is(err, rpctypes.ErrPermissionDenied) {
		return true, took, ""
	}
	return false, took, rpctypes.ErrorDesc(err)
}
