package etcdconn

import (
	"context"
	"fmt"
	"time"

	"github.com/etcdtune/etcdtune/result"
)

// infoTimeout bounds each status call of Info.
const infoTimeout = 5 * time.Second

// Info asks each endpoint for its status and the cluster for its members.
// A member that does not answer is listed with its error, not dropped.
func (t *Target) Info(ctx context.Context) result.Target {
	info := result.Target{Endpoints: t.endpoints, Embedded: t.embedded != nil}
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
		m, st, err := Status(cctx, c, ep)
		cancel()
		if err != nil {
			m.Error = err.Error()
			info.Members = append(info.Members, m)
			continue
		}
		m.Name = names[st.Header.MemberId]
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
