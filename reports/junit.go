package reports

import (
	"encoding/xml"
	"fmt"
	"io"
)

// The JUnit XML elements compare writes: the common schema CI systems read
// (Jenkins, GitLab, GitHub test reporters).
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteCompareJUnit writes the comparison as JUnit XML: a test suite per
// workload, a test case per metric, and a failure for each regression
// past the gate.
func WriteCompareJUnit(w io.Writer, c *Comparison) error {
	out := junitSuites{Name: "etcdtune compare"}
	index := map[string]int{}
	for _, r := range c.Rows {
		i, ok := index[r.Workload]
		if !ok {
			i = len(out.Suites)
			index[r.Workload] = i
			out.Suites = append(out.Suites, junitSuite{Name: "etcdtune." + r.Workload, Time: "0"})
		}
		s := &out.Suites[i]
		tc := junitCase{Name: r.Metric, ClassName: "etcdtune." + r.Workload, Time: "0",
			SystemOut: fmt.Sprintf("base %s, new %s, delta %s, %s, evidence %s (%s), %s", statString(r.Base), statString(r.New),
				deltaString(r), pString(r), r.Evidence, r.Method, verdictString(r))}
		if r.Verdict == VerdictRegression {
			msg := fmt.Sprintf("%s %s regressed %s past the gate (%s %s -> %s %s, %s, evidence %s: %s)", r.Workload, r.Metric, deltaString(r),
				formatValue(r.Base.Median), r.Unit, formatValue(r.New.Median), r.Unit, pString(r), r.Evidence, r.Method)
			tc.Failure = &junitFailure{Message: msg, Type: "regression", Text: msg}
			s.Failures++
			out.Failures++
		}
		s.Tests++
		out.Tests++
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
