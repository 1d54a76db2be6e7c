package watch

import "time"

// stampLen is the length of the send-time stamp at the head of every value
// a watch run writes: Unix nanoseconds in 19 decimal digits (good until the
// year 2286), printable so that the values read well in etcdctl.
const stampLen = 19

// putStamp writes t at the head of v, which is at least stampLen long.
func putStamp(v []byte, t time.Time) {
	n := t.UnixNano()
	for p := stampLen - 1; p >= 0; p-- {
		v[p] = byte('0' + n%10)
		n /= 10
	}
}

// readStamp returns the stamp at the head of v, or false if v has none (a
// value some other writer put under the prefix).
func readStamp(v []byte) (time.Time, bool) {
	if len(v) < stampLen {
		return time.Time{}, false
	}
	var n int64
	for _, c := range v[:stampLen] {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		n = n*10 + int64(c-'0')
	}
	return time.Unix(0, n), true
}
