package probes

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/etcdconn"
	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/result"
)

// ClusterOptions says how to look at the cluster.
type ClusterOptions struct {
	// Window is how long the server metrics are watched (required, > 0).
	Window time.Duration
	// MetricsURLs as in RTTOptions.
	MetricsURLs []string
	// RequestTimeout bounds each request.
	RequestTimeout time.Duration
}

// Validate checks the configuration before any connection is made.
func (c ClusterOptions) Validate() error {
	if c.Window <= 0 {
		return fault.Inputf("--window must be positive (e.g. 30s), got %v", c.Window)
	}
	return nil
}

// Cluster reads the members, their status, health and alarms, then
// watches the server metrics of every endpoint for cfg.Window.
func Cluster(ctx context.Context, t *etcdconn.Target, cfg ClusterOptions) (*result.Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	urls, err := MetricsURLs(t, cfg.MetricsURLs)
	if err != nil {
		return nil, err
	}
	c := t.Clients()[0]
	res := &result.Cluster{Alarms: []result.Alarm{}}
	if err := readMembers(ctx, res, c, cfg.RequestTimeout); err != nil {
		return nil, err
	}
	for _, ep := range t.Endpoints() {
		readStatus(ctx, res, t, ep, cfg.RequestTimeout)
	}
	w, err := WatchMetrics(ctx, t.HTTPClient(), urls, cfg.Window)
	if err != nil {
		return nil, err
	}
	res.Window = w
	return res, nil
}

func readMembers(ctx context.Context, res *result.Cluster, c *clientv3.Client, timeout time.Duration) error {
	cctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	ml, err := c.MemberList(cctx)
	if err != nil {
		return etcdconn.Unreachable("member list", errors.New(rpctypes.ErrorDesc(err)))
	}
	res.ClusterID = fmt.Sprintf("%x", ml.Header.ClusterId)
	for _, m := range ml.Members {
		res.Members = append(res.Members, result.Member{ID: fmt.Sprintf("%x", m.ID), Name: m.Name,
			IsLearner: m.IsLearner, PeerURLs: m.PeerURLs, ClientURLs: m.ClientURLs})
	}
	actx, cancel2 := withTimeout(ctx, timeout)
	defer cancel2()
	alarms, err := c.AlarmList(actx)
	if err != nil {
		return etcdconn.Unreachable("alarm list", errors.New(rpctypes.ErrorDesc(err)))
	}
	for _, a := range alarms.Alarms {
		res.Alarms = append(res.Alarms, result.Alarm{MemberID: fmt.Sprintf("%x", a.MemberID), Alarm: a.Alarm.String()})
	}
	return nil
}

// readStatus fills the member behind ep from its status and health; a
// member that does not answer keeps the error.
func readStatus(ctx context.Context, res *result.Cluster, t *etcdconn.Target, ep string, timeout time.Duration) {
	cli, err := t.DialEndpoint(ctx, ep)
	if err != nil {
		m := member(res, "", ep)
		m.Errors = append(m.Errors, err.Error())
		return
	}
	defer cli.Close()
	cctx, cancel := withTimeout(ctx, timeout)
	defer cancel()
	got, st, err := etcdconn.Status(cctx, etcdconn.Connection(cli), ep)
	if err != nil {
		m := member(res, "", ep)
		m.Errors = append(m.Errors, "status: "+rpctypes.ErrorDesc(err))
		return
	}
	m := member(res, got.ID, ep)
	m.Version, m.IsLeader = got.Version, got.IsLeader
	m.RaftTerm, m.RaftIndex, m.RaftAppliedIndex = got.RaftTerm, got.RaftIndex, got.RaftAppliedIndex
	m.DBSizeBytes, m.DBInUseBytes = got.DBSizeBytes, got.DBInUseBytes
	m.Errors = append(m.Errors, got.Errors...)
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
func member(res *result.Cluster, id, ep string) *result.Member {
	for i := range res.Members {
		if id != "" && res.Members[i].ID == id {
			res.Members[i].Endpoint = ep
			return &res.Members[i]
		}
	}
	res.Members = append(res.Members, result.Member{ID: id, Endpoint: ep})
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
