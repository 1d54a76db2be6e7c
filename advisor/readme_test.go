package advisor

import (
	"os"
	"strings"
	"testing"
)

// The README's "How the advisor decides" quotes every rule as the advice
// does, so that a reader can check one against the other: a rule changed
// here and not there fails.
func TestReadmeQuotesEveryRule(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	_, section, ok := strings.Cut(readme, "### How the advisor decides")
	if !ok {
		t.Fatal(`README.md has no "How the advisor decides" section`)
	}
	seen := map[string]bool{}
	for _, a := range Advise(Findings{Members: 3}) {
		if seen[a.Rule] {
			continue
		}
		seen[a.Rule] = true
		if !strings.Contains(section, a.Rule) || !strings.Contains(section, a.Source) {
			t.Errorf("the README's advisor section lacks the rule of %s, or its source %s:\n%s", a.Setting, a.Source, a.Rule)
		}
	}
	if len(seen) != 11 {
		t.Errorf("%d rules, the README lists 11: update it", len(seen))
	}
}
