package k8s

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/etcdtune/etcdtune/probes"
	"github.com/etcdtune/etcdtune/result"
)

// The kube-apiserver metrics (v1.28 to v1.34) that --mix-from reads.
const (
	// etcdRequests counts the apiserver's requests to etcd by operation
	// and group/resource: the mix's rates, over the window between pages.
	metricEtcdRequests = "etcd_requests_total"
	// resourceObjects (alpha, labels group and resource) and
	// storageObjects (stable, label resource = "<resource>[.<group>]") are
	// the objects of each resource; sizeEstimate is the sum of their
	// last-seen encoded sizes (alpha; absent on older apiservers).
	metricResourceObjects = "apiserver_resource_objects"
	metricStorageObjects  = "apiserver_storage_objects"
	metricSizeEstimate    = "apiserver_resource_size_estimate_bytes"
)

// ScrapedAtMarker starts the line before each page of a --mix-from file:
// "# scraped_at <unix seconds>". Prometheus text takes it as a comment; the
// times of the pages make the window their counters' rates are over.
const ScrapedAtMarker = "# scraped_at "

// Mix operations are the apiserver's names for its etcd requests: get
// (one object), create and delete (a Txn on the key's ModRevision), update
// (GuaranteedUpdate's CAS Txn, retries counted), list (one page of a
// range over the resource, or of a watch's initial list), listWithCount
// (the count of a resource's keys), listOnlyKeys.
const (
	MixGet          = "get"
	MixCreate       = "create"
	MixUpdate       = "update"
	MixDelete       = "delete"
	MixList         = "list"
	MixCount        = "listWithCount"
	MixListOnlyKeys = "listOnlyKeys"
)

// mixOps are the operations a replay sends, in the order of its kinds.
var mixOps = []string{MixCreate, MixUpdate, MixDelete, MixGet, MixList, MixCount, MixListOnlyKeys}

// Provenance of a figure of the mix.
const (
	FromFile  = "file"  // read from the apiserver's /metrics
	FromModel = "model" // not in the metrics: the profile's estimate
)

// Mix is the traffic a kube-apiserver sent to etcd between two pages of
// its /metrics, per resource and operation.
type Mix struct {
	Source    string
	Window    time.Duration
	Resources []MixResource // by name
	// Skipped are operations of the metrics a replay does not send.
	Skipped []string
}

// MixResource is one resource of the mix.
type MixResource struct {
	Name        string             // "pods", "leases.coordination.k8s.io"
	Segment     string             // its key segment, as the apiserver's: "pods", "leases"
	Objects     int64              // objects stored at the second page
	ObjectsFrom string             // FromFile or FromModel
	MeanSize    int                // mean encoded size of an object, bytes
	SizeFrom    string             // FromFile or FromModel
	Rates       map[string]float64 // requests per second by operation (mixOps)
}

// Rate is the mix's total request rate.
func (m Mix) Rate() float64 {
	var sum float64
	for _, r := range m.Resources {
		for _, v := range r.Rates {
			sum += v
		}
	}
	return sum
}

// ReadMixFile reads a --mix-from file: two or more pages of one
// kube-apiserver's /metrics, each after a ScrapedAtMarker line. The mix is
// over the first and the last page.
func ReadMixFile(r io.Reader, source string) (Mix, error) {
	pages, times, err := splitPages(r)
	if err != nil {
		return Mix{}, err
	}
	switch {
	case len(pages) == 0:
		return Mix{}, fmt.Errorf("no %q line: a rate needs two pages of /metrics with their times (see the README's bench k8s --mix-from)", strings.TrimSpace(ScrapedAtMarker))
	case len(pages) == 1:
		return Mix{}, fmt.Errorf("one page of /metrics: a rate needs two, taken apart, each after a %q line (see the README's bench k8s --mix-from)", ScrapedAtMarker+"<unix seconds>")
	}
	window := times[len(times)-1].Sub(times[0])
	if window <= 0 {
		return Mix{}, fmt.Errorf("the last page's %s is not after the first's: no window to rate over", strings.TrimSpace(ScrapedAtMarker))
	}
	return MixFromPages(pages[0], pages[len(pages)-1], window, source)
}

// splitPages cuts the file at the ScrapedAtMarker lines; text before the
// first marker is refused (a page without a time).
func splitPages(r io.Reader) (pages [][]byte, times []time.Time, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var cur *bytes.Buffer
	line, unmarked := 0, 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if rest, ok := strings.CutPrefix(t, ScrapedAtMarker); ok {
			sec, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil || math.IsNaN(sec) || math.IsInf(sec, 0) || sec < 0 {
				return nil, nil, fmt.Errorf("line %d: %q: want %s<unix seconds>", line, t, ScrapedAtMarker)
			}
			if cur != nil {
				pages = append(pages, cur.Bytes())
			}
			cur = &bytes.Buffer{}
			times = append(times, time.Unix(0, int64(sec*1e9)))
			continue
		}
		if cur == nil {
			if strings.TrimSpace(t) != "" && !strings.HasPrefix(t, "#") {
				unmarked = line // a page without its time
			}
			continue
		}
		cur.WriteString(t)
		cur.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("read: %w", err)
	}
	if cur != nil {
		pages = append(pages, cur.Bytes())
	}
	if unmarked > 0 && len(pages) > 0 {
		return nil, nil, fmt.Errorf("line %d: metrics before the first %q line: each page needs its time", unmarked, strings.TrimSpace(ScrapedAtMarker))
	}
	return pages, times, nil
}

// MixFromPages derives the mix from two pages of one apiserver's /metrics
// taken window apart.
func MixFromPages(before, after []byte, window time.Duration, source string) (Mix, error) {
	b, err := parseAPIServerPage(before, "first")
	if err != nil {
		return Mix{}, err
	}
	a, err := parseAPIServerPage(after, "second")
	if err != nil {
		return Mix{}, err
	}
	m := Mix{Source: source, Window: window}
	first := requestCounts(b)
	byName := map[string]*MixResource{}
	skipped := map[string]bool{}
	for key, n := range requestCounts(a) {
		d := n - first[key]
		if d < 0 {
			return Mix{}, fmt.Errorf("%s{%s} went down between the pages: the apiserver restarted, or the pages are of two apiservers", metricEtcdRequests, key)
		}
		if !isMixOp(key.op) {
			skipped[key.op] = true
			continue
		}
		if d == 0 {
			continue
		}
		res := byName[key.name()]
		if res == nil {
			res = &MixResource{Name: key.name(), Segment: key.resource, Rates: map[string]float64{}}
			byName[key.name()] = res
		}
		res.Rates[key.op] += d / window.Seconds()
	}
	if len(byName) == 0 {
		return Mix{}, errors.New("no etcd request between the pages: nothing to replay (were they taken apart?)")
	}
	objects, sizes := objectFigures(a)
	for _, res := range byName {
		res.Objects, res.ObjectsFrom = modelObjects(res.Name)
		// 0 is also what the apiserver shows before its first count (the
		// --etcd-count-metric-poll-period, 1 m): the model's count then.
		if n, ok := objects[res.Name]; ok && n > 0 {
			res.Objects, res.ObjectsFrom = int64(n), FromFile
		}
		res.MeanSize, res.SizeFrom = modelSize(res.Segment), FromModel
		if s, ok := sizes[res.Name]; ok && s > 0 && res.ObjectsFrom == FromFile && res.Objects > 0 {
			res.MeanSize, res.SizeFrom = max(1, int(math.Round(s/float64(res.Objects)))), FromFile
		}
		res.MeanSize = min(res.MeanSize, MaxObjectSize)
		m.Resources = append(m.Resources, *res)
	}
	sort.Slice(m.Resources, func(i, j int) bool { return m.Resources[i].Name < m.Resources[j].Name })
	segments := map[string]int{}
	for _, r := range m.Resources {
		segments[r.Segment]++
	}
	for i, r := range m.Resources {
		// Two groups' resources of one name (events and
		// events.events.k8s.io are stored apart) keep apart in the keys.
		if segments[r.Segment] > 1 {
			m.Resources[i].Segment = r.Name
		}
	}
	for op := range skipped {
		m.Skipped = append(m.Skipped, op)
	}
	sort.Strings(m.Skipped)
	return m, nil
}

// parseAPIServerPage parses a page and checks it is a kube-apiserver's.
func parseAPIServerPage(page []byte, which string) (probes.Metrics, error) {
	m, err := probes.ParseText(bytes.NewReader(page))
	if err != nil {
		return nil, fmt.Errorf("the %s page: %w", which, err)
	}
	if _, ok := m[metricEtcdRequests]; !ok {
		return nil, fmt.Errorf("the %s page has no %s: not a kube-apiserver's /metrics", which, metricEtcdRequests)
	}
	return m, nil
}

// requestKey is one series of etcd_requests_total.
type requestKey struct{ op, group, resource string }

// name is the resource's name as kubectl api-resources gives it.
func (k requestKey) name() string { return groupResource(k.group, k.resource) }

func groupResource(group, resource string) string {
	if group == "" {
		return resource
	}
	return resource + "." + group
}

func requestCounts(m probes.Metrics) map[requestKey]float64 {
	out := map[requestKey]float64{}
	for _, s := range m[metricEtcdRequests].GetMetric() {
		l := probes.SeriesLabels(s)
		// Before v1.30 the series had a "type" label ("pods",
		// "leases.coordination.k8s.io") instead of group and resource.
		res, group := l["resource"], l["group"]
		if res == "" {
			res, group, _ = strings.Cut(l["type"], ".")
		}
		if res == "" {
			continue
		}
		out[requestKey{op: l["operation"], group: group, resource: res}] += probes.SeriesValue(s)
	}
	return out
}

// objectFigures are the object counts and summed sizes by resource name.
func objectFigures(m probes.Metrics) (objects, sizes map[string]float64) {
	objects, sizes = map[string]float64{}, map[string]float64{}
	for _, s := range m[metricStorageObjects].GetMetric() {
		objects[probes.SeriesLabels(s)["resource"]] = probes.SeriesValue(s)
	}
	for _, s := range m[metricResourceObjects].GetMetric() {
		l := probes.SeriesLabels(s)
		objects[groupResource(l["group"], l["resource"])] = probes.SeriesValue(s)
	}
	for _, s := range m[metricSizeEstimate].GetMetric() {
		l := probes.SeriesLabels(s)
		sizes[groupResource(l["group"], l["resource"])] = probes.SeriesValue(s)
	}
	return objects, sizes
}

func isMixOp(op string) bool {
	for _, o := range mixOps {
		if o == op {
			return true
		}
	}
	return false
}

// modelObjects is the count a resource has when the metrics do not say:
// the model's default cluster's (10 nodes x 30 pods) for the profile's
// resources, else 100.
func modelObjects(name string) (int64, string) {
	sc := Options{Nodes: 10, PodsPerNode: 30}.Scale()
	for _, r := range resources {
		if groupResource(groupOf(r.name), r.name) == name && r.count != nil {
			return int64(r.count(sc)), FromModel
		}
	}
	return 100, FromModel
}

// groupOf is the API group of a resource of the profile's table.
func groupOf(resource string) string {
	if resource == "leases" {
		return "coordination.k8s.io"
	}
	return ""
}

// defaultModelSize is the size of an object of a resource the profile
// does not model, when the metrics have no size estimate (estimate: about
// a small ConfigMap or a ReplicaSet).
const defaultModelSize = 1024

// modelSize is the profile's mean object size for a resource of its table.
func modelSize(segment string) int {
	o := Options{MaxObjectSize: MaxObjectSize}
	for r, res := range resources {
		if res.name == segment {
			return int(o.meanSize(r))
		}
	}
	return defaultModelSize
}

// Stats is what the result says of the mix: the file or URL, the
// window, and each figure with where it came from.
func (m Mix) Stats() *result.K8sMixFrom {
	st := &result.K8sMixFrom{Source: m.Source, WindowS: m.Window.Seconds(), RateOpsS: m.Rate(),
		NotReplayed: m.Skipped, Resources: map[string]result.K8sMixResource{}}
	for _, r := range m.Resources {
		st.Resources[r.Name] = result.K8sMixResource{Objects: r.Objects, ObjectsFrom: r.ObjectsFrom,
			MeanSizeBytes: r.MeanSize, SizeFrom: r.SizeFrom, RatesOpsS: r.Rates, RatesFrom: FromFile}
	}
	return st
}
