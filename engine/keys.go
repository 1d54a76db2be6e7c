package engine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync/atomic"
)

// Key distributions understood by KeySpec.
const (
	DistSeq     = "seq"
	DistUniform = "uniform"
	DistZipf    = "zipf"
)

// MaxRequestBytes is etcd's default request size limit (--max-request-bytes,
// 1.5 MiB); a key or value past it is refused by the server.
const MaxRequestBytes = 1536 * 1024

// KeySpec says which keys a workload touches. Every key is Prefix followed by
// a zero-padded decimal index of Size digits, so the keys of a run sort in
// index order and form one contiguous range under the prefix.
type KeySpec struct {
	Prefix string  // every key starts with it, e.g. "/etcdtune/"
	Size   int     // digits after the prefix
	Space  uint64  // number of distinct keys; 1 means one key
	Dist   string  // seq, uniform or zipf
	ZipfS  float64 // zipf exponent, > 1
	Seed   uint64  // seed of the random distributions
}

// Validate says what is wrong with the spec, in a sentence that names the flag.
func (s KeySpec) Validate() error {
	switch {
	case s.Prefix == "":
		return fmt.Errorf("--prefix must not be empty: etcdtune writes only under its own prefix")
	case s.Size < 1:
		return fmt.Errorf("--key-size must be at least 1, got %d", s.Size)
	case len(s.Prefix)+s.Size > MaxRequestBytes:
		return fmt.Errorf("--key-size %d makes keys longer than etcd's 1.5 MiB request limit", s.Size)
	case s.Space < 1:
		return fmt.Errorf("--key-space must be at least 1, got %d", s.Space)
	case s.Size < 20 && s.Space > pow10(s.Size):
		return fmt.Errorf("--key-space %d needs more than --key-size %d digits; use --key-size %d or more",
			s.Space, s.Size, len(fmt.Sprint(s.Space-1)))
	}
	switch s.Dist {
	case DistSeq, DistUniform:
	case DistZipf:
		if !(s.ZipfS > 1 && s.ZipfS <= 10) {
			return fmt.Errorf("--zipf-s must be greater than 1 and at most 10, got %v", s.ZipfS)
		}
	default:
		return fmt.Errorf("unknown --key-dist %q: use seq, uniform or zipf", s.Dist)
	}
	return nil
}

func pow10(n int) uint64 {
	return uint64(math.Pow10(n))
}

// Params are the key parameters every workload reports in the result file.
func (s KeySpec) Params() map[string]any {
	m := map[string]any{"prefix": s.Prefix, "key_size": s.Size, "key_space": s.Space, "key_dist": s.Dist, "seed": s.Seed}
	if s.Dist == DistZipf {
		m["zipf_s"] = s.ZipfS
	}
	return m
}

// Key returns the key of index i, allocating; for setup and cleanup, not for
// the request path (use a KeyBuffer there).
func (s KeySpec) Key(i uint64) string {
	b := NewKeyBuffer(s)
	return string(b.Set(i))
}

// Index returns the index of a key of the spec, or false if the key is not
// of the spec's shape.
func (s KeySpec) Index(key []byte) (uint64, bool) {
	if len(key) != len(s.Prefix)+s.Size || string(key[:len(s.Prefix)]) != s.Prefix {
		return 0, false
	}
	var i uint64
	for _, c := range key[len(s.Prefix):] {
		if c < '0' || c > '9' {
			return 0, false
		}
		i = i*10 + uint64(c-'0')
	}
	return i, true
}

// Fits reports whether Size digits can number n keys (indexes 0..n-1).
func (s KeySpec) Fits(n uint64) bool { return s.Size >= 20 || n <= pow10(s.Size) }

// Range returns the half-open range [start, end) that holds every key of the
// spec and nothing else of the spec's shape, for cleanup and counting.
func (s KeySpec) Range() (start, end string) {
	return s.Prefix + strings.Repeat("0", s.Size), s.Prefix + strings.Repeat("9", s.Size) + "\x00"
}

// KeyBuffer writes keys of a spec into one reused buffer, so that a worker
// can name a key per request without allocating.
type KeyBuffer struct {
	buf    []byte
	digits int
}

// NewKeyBuffer returns a buffer for the keys of spec s.
func NewKeyBuffer(s KeySpec) *KeyBuffer {
	buf := make([]byte, len(s.Prefix)+s.Size)
	copy(buf, s.Prefix)
	return &KeyBuffer{buf: buf, digits: s.Size}
}

// Set writes the key of index i and returns the buffer; the bytes are valid
// until the next Set.
func (b *KeyBuffer) Set(i uint64) []byte {
	for p := len(b.buf) - 1; p >= len(b.buf)-b.digits; p-- {
		b.buf[p] = byte('0' + i%10)
		i /= 10
	}
	return b.buf
}

// KeyPicker chooses the next key index for one worker. Pickers of one run
// share the sequence counter, so seq walks the key space once in order
// across all workers.
type KeyPicker struct {
	space uint64
	seq   *atomic.Uint64
	rng   *rand.Rand
	zipf  *rand.Zipf
}

// KeyPickers makes the per-worker pickers of one run; they share state only
// where the distribution needs it (seq).
type KeyPickers struct {
	spec KeySpec
	seq  atomic.Uint64
}

// NewKeyPickers prepares the pickers of a run with spec s.
func NewKeyPickers(s KeySpec) *KeyPickers {
	return &KeyPickers{spec: s}
}

// Picker returns the picker of worker id; each has its own random source, so
// picking takes no lock.
func (k *KeyPickers) Picker(id int) *KeyPicker {
	p := &KeyPicker{space: k.spec.Space, rng: rand.New(rand.NewPCG(k.spec.Seed, uint64(id)+1))}
	switch k.spec.Dist {
	case DistSeq:
		p.seq = &k.seq
	case DistZipf:
		if k.spec.Space > 1 {
			p.zipf = rand.NewZipf(p.rng, k.spec.ZipfS, 1, k.spec.Space-1)
		}
	}
	return p
}

// Next returns the index of the next key.
func (p *KeyPicker) Next() uint64 {
	switch {
	case p.space == 1:
		return 0
	case p.seq != nil:
		return (p.seq.Add(1) - 1) % p.space
	case p.zipf != nil:
		return p.zipf.Uint64()
	default:
		return p.rng.Uint64N(p.space)
	}
}
