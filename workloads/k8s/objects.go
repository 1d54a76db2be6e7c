package k8s

import (
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/etcdtune/etcdtune/engine"
)

// k8sNames lays out the keys of the profile as kube-apiserver does,
// <prefix>registry/<resource>/<namespace>/<name>, under etcdtune's prefix.
type k8sNames struct {
	prefix     string
	namespaces int
}

// resourcePrefix is where the objects of resource r live, ending in "/".
func (n k8sNames) resourcePrefix(r int) string {
	return n.prefix + engine.RegistryDir + resources[r].keySegment() + "/"
}

// appendKey appends the key of object idx of resource r to b.
func (n k8sNames) appendKey(b []byte, r int, idx uint64) []byte {
	b = append(b, n.prefix...)
	b = append(b, engine.RegistryDir...)
	res := &resources[r]
	b = append(b, res.keySegment()...)
	b = append(b, '/')
	switch {
	case res.namespace != "":
		b = append(b, res.namespace...)
	case res.perNamespace > 0:
		// Fixed by the number alone: growing the cluster adds namespaces
		// without moving an object. Pods created by the load fill
		// namespaces past the preloaded ones as the oldest empty (deletes
		// take the oldest), so the live pods span as many namespaces.
		b = append(b, "ns-"...)
		b = strconv.AppendUint(b, idx/uint64(res.perNamespace), 10)
	default:
		b = append(b, "ns-"...)
		b = strconv.AppendUint(b, idx%uint64(n.namespaces), 10)
	}
	b = append(b, '/')
	b = append(b, res.object...)
	return strconv.AppendUint(b, idx, 10)
}

// Key is the key of object idx of resource r, allocating; for setup.
func (n k8sNames) key(r int, idx uint64) string { return string(n.appendKey(nil, r, idx)) }

// objectSet is what the profile knows of one resource's live objects, as
// the apiserver's watch cache does: which exist and the ModRevision each was
// last written at, the guess a CAS update starts from. Objects are numbered;
// new ones take the next number and deletes take the oldest, as a rolling
// update replaces old pods.
type objectSet struct {
	mu     sync.Mutex
	lo, hi uint64           // live objects have numbers in [lo, hi)
	rev    map[uint64]int64 // ModRevision by number; 0 while being created
}

func newObjectSet() *objectSet { return &objectSet{rev: map[uint64]int64{}} }

// add records object idx as written at rev (the preload).
func (s *objectSet) add(idx uint64, rev int64) {
	s.mu.Lock()
	s.rev[idx] = rev
	s.hi = max(s.hi, idx+1)
	s.mu.Unlock()
}

// len is the number of live objects, those being created included.
func (s *objectSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rev)
}

// pick returns a random live object and its last known revision; ok is
// false when the few tries found only objects being created or none.
func (s *objectSet) pick(rng *rand.Rand) (idx uint64, rev int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range 4 {
		if s.hi == s.lo {
			return 0, 0, false
		}
		idx = s.lo + rng.Uint64N(s.hi-s.lo)
		if rev = s.rev[idx]; rev > 0 {
			return idx, rev, true
		}
	}
	return 0, 0, false
}

// get returns the last known revision of object idx; ok is false if it is
// not live or being created.
func (s *objectSet) get(idx uint64) (rev int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rev = s.rev[idx]
	return rev, rev > 0
}

// reserve takes the number of a new object, marked as being created.
func (s *objectSet) reserve() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.hi
	s.hi++
	s.rev[idx] = 0
	return idx
}

// popOldest removes the oldest written object if more than floor live ones
// remain, and returns it with its revision.
func (s *objectSet) popOldest(floor int) (idx uint64, rev int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rev) <= floor {
		return 0, 0, false
	}
	for i := s.lo; i < s.hi; i++ {
		if r, live := s.rev[i]; live && r > 0 {
			delete(s.rev, i)
			s.advance()
			return i, r, true
		}
	}
	return 0, 0, false
}

// advance moves lo past numbers no longer live; the caller holds the lock.
func (s *objectSet) advance() {
	for s.lo < s.hi {
		if _, live := s.rev[s.lo]; live {
			return
		}
		s.lo++
	}
}

// written records that object idx now has revision rev, unless it was
// deleted meanwhile.
func (s *objectSet) written(idx uint64, rev int64) {
	s.mu.Lock()
	if old, live := s.rev[idx]; live && rev > old {
		s.rev[idx] = rev
	}
	s.mu.Unlock()
}

// forget drops object idx (a create that failed).
func (s *objectSet) forget(idx uint64) {
	s.mu.Lock()
	delete(s.rev, idx)
	s.advance()
	s.mu.Unlock()
}

// next is the number the next new object takes.
func (s *objectSet) next() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hi
}

// popNewest removes the n newest live objects (those of the highest
// numbers) and returns their numbers, for shrinking the cluster; the next
// new object then takes the lowest number removed, as in a cluster that
// never held them. Only between loads: objects being created are live.
func (s *objectSet) popNewest(n int) []uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var idxs []uint64
	for len(idxs) < n && s.hi > s.lo {
		s.hi--
		if _, live := s.rev[s.hi]; live {
			delete(s.rev, s.hi)
			idxs = append(idxs, s.hi)
		}
	}
	s.advance()
	return idxs
}

// sum adds f over the live objects.
func (s *objectSet) sum(f func(idx uint64) int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t int64
	for idx := range s.rev {
		t += f(idx)
	}
	return t
}
