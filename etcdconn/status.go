package etcdconn

import (
	"context"
	"fmt"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/etcdtune/etcdtune/result"
)

// StatusReader answers a member's status: a *clientv3.Client dials the
// endpoint it is asked about; Connection asks over a client's own
// connection.
type StatusReader interface {
	Status(ctx context.Context, endpoint string) (*clientv3.StatusResponse, error)
}

// Connection is a StatusReader that asks the member c is connected to
// (a client of DialEndpoint), on that connection, whatever endpoint is
// named.
func Connection(c *clientv3.Client) StatusReader {
	return activeConnection{pb.NewMaintenanceClient(c.ActiveConnection())}
}

type activeConnection struct{ mc pb.MaintenanceClient }

func (a activeConnection) Status(ctx context.Context, _ string) (*clientv3.StatusResponse, error) {
	st, err := a.mc.Status(ctx, &pb.StatusRequest{})
	return (*clientv3.StatusResponse)(st), err
}

// Status asks the member at endpoint for its status: the one reading of a
// member's status, for the target's description, the cluster probe, the
// guard and the quota scenario. The member holds what the status says
// (ID, version, leadership, database sizes, Raft term and indexes, and the
// errors it lists, among them active alarms as "memberID:... alarm:NOSPACE");
// its name is the member list's, which the caller adds. The response is
// returned too, for what is the cluster's (cluster ID, leader, revision).
func Status(ctx context.Context, c StatusReader, endpoint string) (result.Member, *clientv3.StatusResponse, error) {
	st, err := c.Status(ctx, endpoint)
	if err != nil {
		return result.Member{Endpoint: endpoint}, nil, err
	}
	m := result.Member{Endpoint: endpoint, ID: fmt.Sprintf("%x", st.Header.MemberId), Version: st.Version,
		IsLeader: st.Leader == st.Header.MemberId, IsLearner: st.IsLearner,
		DBSizeBytes: st.DbSize, DBInUseBytes: st.DbSizeInUse,
		RaftTerm: st.RaftTerm, RaftIndex: st.RaftIndex, RaftAppliedIndex: st.RaftAppliedIndex}
	m.Errors = append(m.Errors, st.Errors...)
	return m, st, nil
}
