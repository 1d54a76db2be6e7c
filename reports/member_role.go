package reports

// memberRole is a member's raft role as the probe table and the report
// show it. Learner comes first: a learner does not vote and cannot become
// leader (etcd's learner design), so a status that reports both is the
// leader field being wrong, not the member leading.
func memberRole(isLeader, isLearner bool) string {
	switch {
	case isLearner:
		return "learner"
	case isLeader:
		return "leader"
	}
	return "follower"
}
