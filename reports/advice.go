package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"sigs.k8s.io/yaml"

	"github.com/etcdtune/etcdtune/result"
)

// WriteAdviceTable writes the advice as a table: setting, current,
// recommended, action and the reason.
func WriteAdviceTable(w io.Writer, advice []result.Advice) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tCURRENT\tRECOMMENDED\tACTION\tREASON")
	for _, a := range advice {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Setting, dash(a.Current), dash(a.Value), a.Action, a.Reason)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// applicable is the etcd advice that carries a value to use: set or keep.
func applicable(advice []result.Advice, scope string) []result.Advice {
	var out []result.Advice
	for _, a := range advice {
		if a.Scope == scope && a.Value != "" && (a.Action == result.ActionSet || a.Action == result.ActionKeep) {
			out = append(out, a)
		}
	}
	return out
}

// WriteAdviceFlags writes etcd's flags on one line, and kube-apiserver's on
// another when there are any.
func WriteAdviceFlags(w io.Writer, advice []result.Advice) error {
	for _, scope := range []string{result.ScopeEtcd, result.ScopeAPIServer} {
		var flags []string
		for _, a := range applicable(advice, scope) {
			if scope == result.ScopeAPIServer && a.Value == "(none)" {
				continue
			}
			flags = append(flags, a.Setting+"="+a.Value)
		}
		if len(flags) > 0 {
			if _, err := fmt.Fprintln(w, strings.Join(flags, " ")); err != nil {
				return err
			}
		}
	}
	return nil
}

// configValue gives a config-file value its YAML type: etcd's config file
// wants numbers as numbers.
func configValue(v string) any {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n
	}
	return v
}

// WriteAdviceYAML writes an etcd config file fragment (--config-file keys
// are the flag names without dashes).
func WriteAdviceYAML(w io.Writer, advice []result.Advice) error {
	m := map[string]any{}
	for _, a := range applicable(advice, result.ScopeEtcd) {
		m[strings.TrimPrefix(a.Setting, "--")] = configValue(a.Value)
	}
	return writeYAML(w, m)
}

// kubeadmArg is one extra argument in kubeadm's v1beta4 API.
type kubeadmArg struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// WriteAdviceKubeadm writes a kubeadm ClusterConfiguration fragment
// (v1beta4): etcd.local.extraArgs, and apiServer.extraArgs for the events
// override.
func WriteAdviceKubeadm(w io.Writer, advice []result.Advice) error {
	var etcdArgs, apiArgs []kubeadmArg
	for _, a := range applicable(advice, result.ScopeEtcd) {
		etcdArgs = append(etcdArgs, kubeadmArg{strings.TrimPrefix(a.Setting, "--"), a.Value})
	}
	for _, a := range applicable(advice, result.ScopeAPIServer) {
		if a.Value != "(none)" {
			apiArgs = append(apiArgs, kubeadmArg{strings.TrimPrefix(a.Setting, "--"), a.Value})
		}
	}
	doc := map[string]any{
		"apiVersion": "kubeadm.k8s.io/v1beta4",
		"kind":       "ClusterConfiguration",
		"etcd":       map[string]any{"local": map[string]any{"extraArgs": etcdArgs}},
	}
	if len(apiArgs) > 0 {
		doc["apiServer"] = map[string]any{"extraArgs": apiArgs}
	}
	return writeYAML(w, doc)
}

// WriteAdviceJSON writes the advice array of the result file.
func WriteAdviceJSON(w io.Writer, advice []result.Advice) error { return writeIndentedJSON(w, advice) }

func writeYAML(w io.Writer, v any) error {
	b, err := yaml.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}
