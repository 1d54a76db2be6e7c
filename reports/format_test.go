package reports

import (
	"io"
	"testing"

	"github.com/etcdtune/etcdtune/fault"
)

// The help and the refusal of each table say the formats as the commands
// always have.
func TestFormatsHelpAndRefusal(t *testing.T) {
	for _, c := range []struct {
		help, refusal string
		gotHelp       string
		err           error
	}{
		{"output format: table or json (the result file)", `unknown --output "xml": use table or json`,
			ResultFormats.Help(" (the result file)"), ResultFormats.Check("xml")},
		{"output format: html (a folder), md, text or json (to stdout)", `unknown --output "xml": use html, md, text or json`,
			ReportFormats.Help(" (to stdout)"), ReportFormats.Check("xml")},
		{"output format: table, flags, yaml, json or kubeadm", `unknown --output "xml": use table, flags, yaml, json or kubeadm`,
			AdviceFormats.Help(""), AdviceFormats.Check("xml")},
		{"output format: table, md, json or junit", `unknown --output "xml": use table, md, json or junit`,
			ComparisonFormats.Help(""), ComparisonFormats.Check("xml")},
	} {
		if c.gotHelp != c.help {
			t.Errorf("help %q, want %q", c.gotHelp, c.help)
		}
		if c.err == nil || c.err.Error() != c.refusal || !fault.Is(c.err, fault.BadInput) {
			t.Errorf("refusal %v, want bad input %q", c.err, c.refusal)
		}
	}
	if err := ProbeFormats.Check(FormatJSON); err != nil {
		t.Errorf("json refused: %v", err)
	}
}

func TestWriteProbeTableRefusesUnknownFinding(t *testing.T) {
	if err := WriteProbeTable(io.Discard, 42); err == nil {
		t.Error("no error for a finding that has no table")
	}
}

// A learner never leads (etcd's learners do not vote), whatever the status
// says of the leader.
func TestMemberRole(t *testing.T) {
	for _, c := range []struct {
		leader, learner bool
		want            string
	}{{false, false, "follower"}, {true, false, "leader"}, {false, true, "learner"}, {true, true, "learner"}} {
		if got := memberRole(c.leader, c.learner); got != c.want {
			t.Errorf("memberRole(%v, %v) = %q, want %q", c.leader, c.learner, got, c.want)
		}
	}
}
