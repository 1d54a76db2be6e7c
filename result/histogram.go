package result

import (
	"fmt"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// EncodeHistogram returns HdrHistogram's compressed V2 encoding in base64,
// which HdrHistogram tools in every language read, and merge keeps exact.
func EncodeHistogram(h *hdr.Histogram) string {
	b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
	if err != nil {
		return "" // the only error is an unknown encoding version
	}
	return string(b)
}

// DecodeHistogram reads EncodeHistogram's form back. It never panics:
// hdrhistogram-go's Decode slices the decoded bytes without checking their
// length, and a result file is user input.
func DecodeHistogram(enc string) (h *hdr.Histogram, err error) {
	defer func() {
		if p := recover(); p != nil {
			h, err = nil, fmt.Errorf("malformed histogram (%v)", p)
		}
	}()
	return hdr.Decode([]byte(enc))
}

// Every histogram covers 1 µs to 60 s at 3 significant digits: enough for
// any etcd request, in constant memory (about 140 KB a histogram).
const (
	// HistMinMicros is the smallest value a histogram holds: record a
	// shorter (or negative) latency as this.
	HistMinMicros = 1
	// HistMaxMicros is the largest: a longer latency is recorded as this
	// (and counted as clamped).
	HistMaxMicros = 60_000_000
	histDigits    = 3
)

// NewHistogram returns an empty histogram of the engine's range and
// precision, for a workload's own figures (lease expiry delays).
func NewHistogram() *hdr.Histogram {
	return hdr.New(HistMinMicros, HistMaxMicros, histDigits)
}
