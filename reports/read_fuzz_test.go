package reports

import (
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/etcdtune/etcdtune/result"
)

// FuzzRead feeds the result-file reader arbitrary bytes, and what it
// accepts to the text, Markdown and HTML writers (which decode the
// histograms): none of them may panic on a file a user hands to
// etcdtune report.
func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("testdata/result.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"schema":"etcdtune.result/v1","workloads":[{"name":"put","histogram":"HISTFAAAAA"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := result.Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		_ = WriteText(io.Discard, r)
		_ = WriteMarkdown(io.Discard, r)
		_ = WriteHTML(io.Discard, r)
	})
}
