package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/etcdtune/etcdtune/result"
)

// everySetting is what advise gives when every probe ran: one entry per
// setting of every rule (advisor.Advise).
var everySetting = []string{
	"--heartbeat-interval", "--election-timeout", "--snapshot-count", "--snapshot-catchup-entries",
	"--quota-backend-bytes", "--auto-compaction-mode", "--auto-compaction-retention", "defragment",
	"--etcd-servers-overrides", "cluster-size", "backup", "disk", "network", "cpu-memory",
}

// TestAdviseFromRealResult makes a result file as a user would, from a real
// three-member cluster: bench put --out, then each probe's -o json put under
// probes. advise --from then gives every setting, each with its reason,
// rule and source; -o yaml and -o kubeadm parse as YAML and hold the values
// of -o flags.
func TestAdviseFromRealResult(t *testing.T) {
	path := realResultFile(t)

	var advice []result.Advice
	runFinding(t, &advice, "advise", "--from", path, "-o", "json")
	var got []string
	for _, a := range advice {
		got = append(got, a.Setting)
		if a.Action == result.ActionNotMeasured || a.Reason == "" || a.Rule == "" || a.Source == "" || a.Value == "" {
			t.Errorf("%s: action %s, value %q, reason %q, rule %q, source %q: want a measured setting with its reasons",
				a.Setting, a.Action, a.Value, a.Reason, a.Rule, a.Source)
		}
	}
	if !slices.Equal(got, everySetting) {
		t.Errorf("settings %v, want %v", got, everySetting)
	}

	table := etcdtune(t, nil, "advise", "--from", path)
	if table.code != 0 {
		t.Fatalf("advise -o table: exit %d, %s", table.code, table.stderr)
	}
	for _, a := range advice {
		if !strings.Contains(table.stdout, a.Setting) || !strings.Contains(table.stdout, a.Reason) {
			t.Errorf("the table lacks %s or its reason %q", a.Setting, a.Reason)
		}
	}
	t.Logf("advise --from a real result:\n%s", table.stdout)
	checkFormatsAgree(t, path, advice)
}

// checkFormatsAgree checks that -o flags, -o yaml and -o kubeadm carry the
// same etcd values, those of the JSON advice that are set or kept.
func checkFormatsAgree(t *testing.T, path string, advice []result.Advice) {
	t.Helper()
	want := map[string]string{}
	for _, a := range advice {
		if a.Scope == result.ScopeEtcd && (a.Action == result.ActionSet || a.Action == result.ActionKeep) {
			want[strings.TrimPrefix(a.Setting, "--")] = a.Value
		}
	}
	r := etcdtune(t, nil, "advise", "--from", path, "-o", "flags")
	flags := map[string]string{}
	for _, f := range strings.Fields(strings.SplitN(r.stdout, "\n", 2)[0]) {
		name, value, _ := strings.Cut(f, "=")
		flags[strings.TrimPrefix(name, "--")] = value
	}
	assertSameSettings(t, "-o flags", flags, want)

	r = etcdtune(t, nil, "advise", "--from", path, "-o", "yaml")
	var conf map[string]any
	if err := yaml.Unmarshal([]byte(r.stdout), &conf); err != nil || r.code != 0 {
		t.Fatalf("-o yaml: exit %d, %v in %q", r.code, err, r.stdout)
	}
	fromYAML := map[string]string{}
	for k, v := range conf {
		fromYAML[k] = yamlScalar(v)
	}
	assertSameSettings(t, "-o yaml", fromYAML, flags)

	r = etcdtune(t, nil, "advise", "--from", path, "-o", "kubeadm")
	var kc struct {
		Kind string `json:"kind"`
		Etcd struct {
			Local struct {
				ExtraArgs []struct{ Name, Value string } `json:"extraArgs"`
			} `json:"local"`
		} `json:"etcd"`
	}
	if err := yaml.Unmarshal([]byte(r.stdout), &kc); err != nil || r.code != 0 || kc.Kind != "ClusterConfiguration" {
		t.Fatalf("-o kubeadm: exit %d, %v, kind %q in %q", r.code, err, kc.Kind, r.stdout)
	}
	fromKubeadm := map[string]string{}
	for _, a := range kc.Etcd.Local.ExtraArgs {
		fromKubeadm[a.Name] = a.Value
	}
	assertSameSettings(t, "-o kubeadm", fromKubeadm, flags)
}

// yamlScalar prints a YAML value as etcd's flag would hold it: sigs.k8s.io
// yaml reads numbers as float64, which must not turn into 2.147483648e+09.
func yamlScalar(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func assertSameSettings(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) || len(want) == 0 {
		t.Errorf("%s: %v, want %v", what, got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s=%q, want %q", what, k, got[k], v)
		}
	}
}

// A result file without the probes a rule needs gives that rule an explicit
// not_measured, never a guessed value.
func TestAdviseNotMeasured(t *testing.T) {
	path := filepath.Join(t.TempDir(), "result.json")
	if r := etcdtune(t, nil, "bench", "put", "--total", "200", "--clients", "2", "--conns", "1", "--out", path); r.code != 0 {
		t.Fatalf("bench put: exit %d, %s", r.code, r.stderr)
	}
	// The same run as if it had been against three members: the timing
	// then needs the peer round trips, which no probe measured.
	three := filepath.Join(t.TempDir(), "three.json")
	b, _ := os.ReadFile(path)
	os.WriteFile(three, b, 0o644)
	editResult(t, three, func(res map[string]any) {
		tg := res["target"].(map[string]any)
		m := tg["members"].([]any)
		tg["members"] = []any{m[0], m[0], m[0]}
	})
	for file, wantMissing := range map[string][]string{
		path:  {"backup", "disk", "--etcd-servers-overrides"},
		three: {"--heartbeat-interval", "--election-timeout", "network", "backup", "disk"},
	} {
		var advice []result.Advice
		runFinding(t, &advice, "advise", "--from", file, "-o", "json")
		byName := map[string]result.Advice{}
		for _, a := range advice {
			byName[a.Setting] = a
		}
		for _, s := range wantMissing {
			a := byName[s]
			if a.Action != result.ActionNotMeasured || a.Value != "" || !strings.HasPrefix(a.Reason, "not measured") {
				t.Errorf("%s from %s: action %q value %q reason %q, want not_measured and no value", s, filepath.Base(file), a.Action, a.Value, a.Reason)
			}
		}
		// What the bench run did measure is still advised.
		if a := byName["--snapshot-count"]; a.Action == result.ActionNotMeasured {
			t.Errorf("--snapshot-count not measured though the put rate was: %s", a.Reason)
		}
	}
}

// Bad input to advise: one line on stderr, exit 2 (exit 3 for a peer URL
// that does not answer: the target's fault).
func TestAdviseBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	result := write("result.json", `{"schema": "etcdtune.result/v1", "target": {"members": []}, "probes": {}, "workloads": []}`)
	badYAML := write("bad.yaml", "spec:\n  containers: [\n")
	noEtcd := write("pod.yaml", "kind: Pod\nspec:\n  containers:\n  - name: nginx\n    command: [nginx]\n")
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--from", result, "--manifest", filepath.Join(dir, "absent.yaml")}, exitBadInput, "absent.yaml"},
		{[]string{"--from", result, "--manifest", dir}, exitBadInput, dir},
		{[]string{"--from", result, "--manifest", badYAML}, exitBadInput, "not valid YAML"},
		{[]string{"--from", result, "--manifest", noEtcd}, exitBadInput, "no etcd container"},
		{[]string{"--from", result, "--current-config", badYAML}, exitBadInput, "not valid YAML"},
		{[]string{"--from", result, "--current-config", filepath.Join(dir, "absent.yaml")}, exitBadInput, "absent.yaml"},
		{[]string{"--from", result, "--current", "heartbeat-interval"}, exitBadInput, "--current"},
		{[]string{"--from", write("other.json", `{"schema": "someone.else/v1"}`)}, exitBadInput, "not an etcdtune result file"},
		{[]string{"--from", write("newer.json", `{"schema": "etcdtune.result/v9"}`)}, exitBadInput, "newer"},
		{[]string{"--from", write("text.json", "hello")}, exitBadInput, "not an etcdtune result file"},
		{[]string{"--from", filepath.Join(dir, "absent.json")}, exitBadInput, "absent.json"},
		{[]string{"--from", result, "--peer-urls", "http://127.0.0.1:1"}, exitBadInput, "--from"},
		{[]string{"--from", result, "-o", "xml"}, exitBadInput, "--output"},
		{[]string{"--peer-urls", "ftp://127.0.0.1:2380"}, exitBadInput, "--peer-urls"},
		{[]string{"--peer-urls", "http://127.0.0.1:2380", "--peer-samples", "0"}, exitBadInput, "--peer-samples"},
		{[]string{"--peer-urls", "http://127.0.0.1:1", "--command-timeout", "1s"}, exitUnusable, "http://127.0.0.1:1/raft/probing"},
		{[]string{}, exitBadInput, "--endpoints"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			assertOneLineError(t, etcdtune(t, nil, append([]string{"advise"}, c.args...)...), c.code, c.want)
		})
	}
	t.Run("probe rtt", func(t *testing.T) {
		assertOneLineError(t, etcdtune(t, nil, "probe", "rtt", "--peer-urls", "127.0.0.1:2380"), exitBadInput, "--peer-urls")
	})
}
