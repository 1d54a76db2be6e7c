package k8s

import (
	"sync/atomic"

	"github.com/etcdtune/etcdtune/result"
)

// k8sCounters are one resource's live counts during the run.
type k8sCounters struct {
	preloaded, preloadBytes                  atomic.Int64
	created, updated, deleted                atomic.Int64
	conflicts, notFound                      atomic.Int64
	listPages, listsCompleted, listedObjects atomic.Int64
	gets                                     atomic.Int64
}

func (c *k8sCounters) stats() result.K8sResourceStats {
	s := result.K8sResourceStats{Preloaded: c.preloaded.Load(), PreloadBytes: c.preloadBytes.Load(),
		Created: c.created.Load(), Updated: c.updated.Load(), Deleted: c.deleted.Load(),
		Conflicts: c.conflicts.Load(), NotFound: c.notFound.Load(), ListPages: c.listPages.Load(),
		ListsCompleted: c.listsCompleted.Load(), ListedObjects: c.listedObjects.Load(), Gets: c.gets.Load()}
	s.WatchExpected = s.Created + s.Updated + s.Deleted
	return s
}
