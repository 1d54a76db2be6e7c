package advisor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/etcdtune/etcdtune/internal/namevalue"

	"sigs.k8s.io/yaml"
)

// Settings are etcd settings in force, by flag name ("--heartbeat-interval").
type Settings map[string]string

// maxConfigBytes bounds what is read of a config file or manifest; both are
// a few KiB, so anything larger is not one.
const maxConfigBytes = 4 << 20

// ParseCurrent reads --current "name=value,name=value" (names with or
// without the leading dashes).
func ParseCurrent(s string) (Settings, error) {
	out := Settings{}
	for _, item := range namevalue.Split(s) {
		name := strings.TrimLeft(item.Name, "-")
		if !item.HasValue || name == "" {
			return nil, fmt.Errorf("--current %q: want name=value", item.Text)
		}
		out["--"+name] = item.Value
	}
	return out, nil
}

// CurrentFromConfigFile reads the settings of an etcd YAML config file
// (--config-file), whose keys are the flag names without dashes.
func CurrentFromConfigFile(path string) (Settings, error) {
	var m map[string]any
	if err := readYAML(path, &m); err != nil {
		return nil, err
	}
	out := Settings{}
	for key, v := range m {
		if v == nil {
			continue
		}
		switch x := v.(type) {
		case map[string]any, []any:
			continue // nested sections (TLS, logging) hold none of the advised settings
		case float64:
			out["--"+key] = strings.TrimSuffix(fmt.Sprintf("%.0f", x), ".")
		default:
			out["--"+key] = fmt.Sprint(x)
		}
	}
	return out, nil
}

// staticPod is the part of a kubeadm static pod manifest that holds etcd's
// flags (/etc/kubernetes/manifests/etcd.yaml).
type staticPod struct {
	Kind string `json:"kind"`
	Spec struct {
		Containers []struct {
			Name    string   `json:"name"`
			Command []string `json:"command"`
			Args    []string `json:"args"`
		} `json:"containers"`
	} `json:"spec"`
}

// CurrentFromManifest reads etcd's flags from the command of the etcd
// container of a static pod manifest.
func CurrentFromManifest(path string) (Settings, error) {
	var pod staticPod
	if err := readYAML(path, &pod); err != nil {
		return nil, err
	}
	for _, c := range pod.Spec.Containers {
		if c.Name != "etcd" && !(len(c.Command) > 0 && strings.HasSuffix(c.Command[0], "etcd")) {
			continue
		}
		out := Settings{}
		for _, arg := range append(c.Command, c.Args...) {
			if name, value, ok := strings.Cut(arg, "="); ok && strings.HasPrefix(name, "--") {
				out[name] = value
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("%s: no etcd container in the manifest (kind %q)", path, pod.Kind)
}

func readYAML(path string, v any) (err error) {
	// A YAML parser may panic on pathological input; a user's file must
	// give an error, never a crash.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: not valid YAML (%v)", path, p)
		}
	}()
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxConfigBytes+1))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > maxConfigBytes {
		return fmt.Errorf("%s: larger than 4 MiB, not a config file", path)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return fmt.Errorf("%s: not valid YAML", path)
		}
		return fmt.Errorf("%s: not valid YAML: %s", path, strings.SplitN(err.Error(), "\n", 2)[0])
	}
	return nil
}
