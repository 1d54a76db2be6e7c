package main

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The image (Dockerfile at the repository root) and the Indexed Job that
// names it (deploy/kubernetes): no docker here, so the tests read the
// files, build the binary as the Dockerfile does, and parse the manifest.

// repoRoot is the repository's root, two folders above this package.
func repoRoot() string { return filepath.Join(pkgDir, "..", "..") }

func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(), path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// dockerStage is one FROM of the Dockerfile and the instructions after it.
type dockerStage struct {
	from  string
	lines []string // "RUN ...", "USER ...", ...
}

// readDockerfile splits the Dockerfile into its stages (no line
// continuations: the Dockerfile keeps one instruction a line).
func readDockerfile(root string) ([]dockerStage, map[string]string, error) {
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var stages []dockerStage
	args := map[string]string{} // ARG NAME=default
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			return nil, nil, fmt.Errorf("Dockerfile: a continued line (%q): keep one instruction a line", line)
		}
		instr, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instr) {
		case "FROM":
			stages = append(stages, dockerStage{from: rest})
			continue
		case "ARG":
			k, v, _ := strings.Cut(rest, "=")
			args[k] = strings.Trim(v, `"`)
		}
		if len(stages) == 0 {
			return nil, nil, fmt.Errorf("Dockerfile: %q before any FROM", line)
		}
		stages[len(stages)-1].lines = append(stages[len(stages)-1].lines, strings.ToUpper(instr)+" "+rest)
	}
	return stages, args, sc.Err()
}

// dockerBuild is the Dockerfile's `go build` command: its environment
// (CGO_ENABLED=0 ...), its arguments with the ARGs' defaults put in, and
// the index of the argument after -o.
func dockerBuild(root string) (env, args []string, outArg int, err error) {
	stages, defaults, err := readDockerfile(root)
	if err != nil {
		return nil, nil, 0, err
	}
	for _, st := range stages {
		for _, l := range st.lines {
			cmd, ok := strings.CutPrefix(l, "RUN ")
			if !ok || !strings.Contains(cmd, "go build") {
				continue
			}
			words := shellWords(os.Expand(cmd, func(k string) string { return defaults[k] }))
			for len(words) > 0 && strings.Contains(words[0], "=") {
				env, words = append(env, words[0]), words[1:]
			}
			for i, w := range words {
				if w == "-o" && i+1 < len(words) {
					return env, words, i + 1, nil
				}
			}
			return nil, nil, 0, fmt.Errorf("Dockerfile: %q has no -o", l)
		}
	}
	return nil, nil, 0, fmt.Errorf("Dockerfile: no RUN ... go build")
}

// shellWords splits a command line on blanks outside double quotes, as the
// shell would for the Dockerfile's build line (no escapes, no single
// quotes: the test below refuses them).
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	quoted, in := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if in {
				words, in = append(words, w.String()), false
				w.Reset()
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// The image's binary is static (no program interpreter, no dynamic
// section: it runs on scratch or distroless/static), built by the
// Dockerfile's own line, which is also how needBinary builds the binary
// every process test runs. The final stage has no shell to rely on and a
// numeric non-root user; the builder is the go.mod's Go.
func TestImageIsStaticAndNonRoot(t *testing.T) {
	root := repoRoot()
	stages, _, err := readDockerfile(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) < 2 {
		t.Fatalf("the Dockerfile has %d stages, want a builder and a final one", len(stages))
	}
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(readRepoFile(t, "go.mod"))
	if goVersion == nil || !strings.HasPrefix(stages[0].from, "golang:"+goVersion[1]+" ") {
		t.Errorf("the builder is FROM %q, want golang:%v (the go.mod's)", stages[0].from, goVersion)
	}
	final := stages[len(stages)-1]
	if f := final.from; f != "scratch" && !strings.HasPrefix(f, "gcr.io/distroless/static") {
		t.Errorf("the final stage is FROM %q, want scratch or distroless/static (no shell, no libc)", f)
	}
	var user, entry string
	for _, l := range final.lines {
		switch {
		case strings.HasPrefix(l, "USER "):
			user = strings.TrimPrefix(l, "USER ")
		case strings.HasPrefix(l, "ENTRYPOINT "):
			entry = strings.TrimPrefix(l, "ENTRYPOINT ")
		case strings.HasPrefix(l, "RUN "):
			t.Errorf("the final stage runs %q: it has no shell", l)
		}
	}
	uid, gid, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("USER %q: want a numeric user other than root (runAsNonRoot checks numbers)", user)
	} else if gid != "" {
		if _, err := strconv.Atoi(gid); err != nil {
			t.Errorf("USER %q: want a numeric group", user)
		}
	}
	if entry != `["/etcdtune"]` {
		t.Errorf("ENTRYPOINT %s, want [\"/etcdtune\"] (exec form: no shell)", entry)
	}

	env, args, _, err := dockerBuild(root)
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(args, " ")
	if !strings.Contains(strings.Join(env, " "), "CGO_ENABLED=0") || !strings.Contains(joined, "-trimpath") ||
		!strings.Contains(joined, "buildinfo.Version=") || strings.Contains(joined, "'") {
		t.Errorf("the Dockerfile builds with %v %v: want CGO_ENABLED=0, -trimpath and the buildinfo.Version ldflag", env, args)
	}
	needBinary(t)
	f, err := elf.Open(binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %v program header: it is not static", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) != 0 {
		t.Errorf("the binary needs %v", libs)
	}
}

// job is the part of a batch/v1 Job that the manifest uses, field for
// field as Kubernetes names them: the manifest is read strictly, so a
// field misspelt or added without a place here fails the test.
type job struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		CompletionMode string `json:"completionMode"`
		Completions    *int   `json:"completions"`
		Parallelism    *int   `json:"parallelism"`
		BackoffLimit   *int   `json:"backoffLimit"`
		Template       struct {
			Spec struct {
				RestartPolicy             string `json:"restartPolicy"`
				TopologySpreadConstraints []struct {
					MaxSkew           int    `json:"maxSkew"`
					TopologyKey       string `json:"topologyKey"`
					WhenUnsatisfiable string `json:"whenUnsatisfiable"`
					LabelSelector     struct {
						MatchLabels map[string]string `json:"matchLabels"`
					} `json:"labelSelector"`
				} `json:"topologySpreadConstraints"`
				Containers []container `json:"containers"`
				Volumes    []struct {
					Name   string `json:"name"`
					Secret *struct {
						SecretName string `json:"secretName"`
					} `json:"secret"`
					EmptyDir              *struct{} `json:"emptyDir"`
					PersistentVolumeClaim any       `json:"persistentVolumeClaim"`
				} `json:"volumes"`
			} `json:"spec"`
		} `json:"template"`
	} `json:"spec"`
}

type container struct {
	Name            string   `json:"name"`
	Image           string   `json:"image"`
	ImagePullPolicy string   `json:"imagePullPolicy"`
	Args            []string `json:"args"`
	Env             []struct {
		Name      string `json:"name"`
		ValueFrom struct {
			FieldRef struct {
				FieldPath string `json:"fieldPath"`
			} `json:"fieldRef"`
		} `json:"valueFrom"`
	} `json:"env"`
	Resources struct {
		Requests map[string]string `json:"requests"`
	} `json:"resources"`
	SecurityContext struct {
		RunAsNonRoot             bool `json:"runAsNonRoot"`
		AllowPrivilegeEscalation bool `json:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool `json:"readOnlyRootFilesystem"`
		Capabilities             struct {
			Drop []string `json:"drop"`
		} `json:"capabilities"`
	} `json:"securityContext"`
	VolumeMounts []struct {
		Name      string `json:"name"`
		MountPath string `json:"mountPath"`
		ReadOnly  bool   `json:"readOnly"`
	} `json:"volumeMounts"`
}

// The Indexed Job is what the READMEs say it is: Indexed, all agents at
// once (completions = parallelism = --agents), the index from the pod's
// annotation, --collect - with no volume to share (no PVC), the image the
// READMEs' docker build line tags; its command line is one etcdtune
// parses; the READMEs read agent 0's log for the merged result.
func TestAgentsJobManifest(t *testing.T) {
	var j job
	if err := yaml.UnmarshalStrict([]byte(readRepoFile(t, "deploy/kubernetes/etcdtune-agents-job.yaml")), &j); err != nil {
		t.Fatalf("the manifest is not the Job this test knows: %v", err)
	}
	s := j.Spec
	if j.APIVersion != "batch/v1" || j.Kind != "Job" || s.CompletionMode != "Indexed" {
		t.Errorf("%s %s, completionMode %q: want an Indexed batch/v1 Job", j.APIVersion, j.Kind, s.CompletionMode)
	}
	pod := s.Template.Spec
	if pod.RestartPolicy != "Never" || s.BackoffLimit == nil || *s.BackoffLimit != 0 {
		t.Errorf("restartPolicy %q, backoffLimit %v: an agent must not be retried alone", pod.RestartPolicy, s.BackoffLimit)
	}
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]
	flags := map[string]string{}
	for _, a := range c.Args {
		if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(k, "--") {
			flags[k] = v
		}
	}
	agents, err := strconv.Atoi(flags["--agents"])
	if err != nil || s.Completions == nil || s.Parallelism == nil || *s.Completions != agents || *s.Parallelism != agents {
		t.Errorf("completions %v, parallelism %v, --agents %q: want all equal", s.Completions, s.Parallelism, flags["--agents"])
	}
	if flags["--collect"] != collectStdout {
		t.Errorf("--collect %q, want %q: agent 0's merged result goes to its log", flags["--collect"], collectStdout)
	}
	if _, ok := flags["--out"]; ok {
		t.Errorf("--out %q: there is no shared folder to write to", flags["--out"])
	}
	var index bool
	for _, e := range c.Env {
		index = index || e.Name == jobIndexEnv && e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']"
	}
	if !index {
		t.Errorf("no %s from the pod's completion index in %+v", jobIndexEnv, c.Env)
	}
	for _, v := range pod.Volumes {
		if v.PersistentVolumeClaim != nil {
			t.Errorf("volume %s is a PersistentVolumeClaim: the Job must run without a shared volume", v.Name)
		}
	}
	if sc := c.SecurityContext; !sc.RunAsNonRoot || sc.AllowPrivilegeEscalation {
		t.Errorf("securityContext %+v: want runAsNonRoot, no privilege escalation", sc)
	}
	// The command line is one etcdtune takes: every flag known, its value
	// parsed.
	cmd, rest, err := newRootCommand().Find(c.Args)
	if err != nil || cmd.Name() != "put" {
		t.Fatalf("%v: %v, %v", c.Args, cmd, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("etcdtune refuses the manifest's flags: %v", err)
	}

	tag := regexp.MustCompile("docker build (?:--build-arg \\S+ )*-t (\\S+) \\.")
	for _, readme := range []string{"README.md", "deploy/kubernetes/README.md", "Dockerfile"} {
		text := readRepoFile(t, readme)
		m := tag.FindStringSubmatch(text)
		if m == nil || m[1] != c.Image {
			t.Errorf("%s: docker build line %v, want one tagging the manifest's image %q", readme, m, c.Image)
		}
		if readme == "Dockerfile" {
			continue
		}
		if !strings.Contains(text, "kubectl logs -l job-name="+j.Metadata.Name+",batch.kubernetes.io/job-completion-index=0 --tail=-1 | grep '^{\"schema\"'") {
			t.Errorf("%s does not show how to get agent 0's merged result from its log", readme)
		}
	}
}
