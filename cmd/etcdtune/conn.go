package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/etcdtune/etcdtune/etcdconn"
)

// connOptions are etcdctl's connection flags, with its names and defaults.
type connOptions struct {
	endpoints             []string
	dialTimeout           time.Duration
	commandTimeout        time.Duration
	cacert, cert, key     string
	user, password        string
	insecureSkipTLSVerify bool
	insecureTransport     bool
	dataDir               string
	kubeadm               bool
	kubeadmDir            string
}

// kubeadmPKIDir is where kubeadm keeps etcd's certificates; --kubeadm takes
// the CA and the health-check client pair from it, as the kubeadm docs'
// etcdctl examples do.
const kubeadmPKIDir = "/etc/kubernetes/pki/etcd"

// connFlagNames are the flags that ETCDCTL_* variables may set, as etcdctl
// has them: ETCDCTL_ and the flag's name in upper case with _ for -.
var connFlagNames = []string{"endpoints", "dial-timeout", "command-timeout", "cacert", "cert", "key",
	"user", "password", "insecure-skip-tls-verify", "insecure-transport"}

func (o *connOptions) addFlags(fs *pflag.FlagSet) {
	urlsVar(fs, &o.endpoints, "endpoints", clientEndpoint, "to start an embedded etcd", "gRPC endpoints of the cluster to measure (default: start an embedded etcd)")
	fs.DurationVar(&o.dialTimeout, "dial-timeout", 2*time.Second, "dial timeout for client connections")
	fs.DurationVar(&o.commandTimeout, "command-timeout", 5*time.Second, "timeout of each request")
	fs.StringVar(&o.cacert, "cacert", "", "verify certificates of TLS-enabled secure servers using this CA bundle")
	fs.StringVar(&o.cert, "cert", "", "identify secure client using this TLS certificate file")
	fs.StringVar(&o.key, "key", "", "identify secure client using this TLS key file")
	fs.StringVar(&o.user, "user", "", "username[:password] for authentication (prompting is not supported)")
	fs.StringVar(&o.password, "password", "", "password for authentication (if given, --user has no password part)")
	fs.BoolVar(&o.insecureSkipTLSVerify, "insecure-skip-tls-verify", false, "skip server certificate verification (CAUTION: for testing only)")
	fs.BoolVar(&o.insecureTransport, "insecure-transport", true, "disable transport security for client connections")
	fs.BoolVar(&o.kubeadm, "kubeadm", false, "take --cacert, --cert and --key (when not given) from a kubeadm control plane: "+kubeadmPKIDir+"/{ca.crt,healthcheck-client.crt,healthcheck-client.key}")
	fs.StringVar(&o.kubeadmDir, "kubeadm-pki-dir", kubeadmPKIDir, "where --kubeadm finds etcd's certificates")
	fs.MarkHidden("kubeadm-pki-dir")
	fs.StringVar(&o.dataDir, "data-dir", "", "data dir of the embedded etcd, on the disk under test (default: a new temporary folder)")
	markOutputPath(fs, "data-dir", outputFolder)
}

// applyEnv sets each connection flag not given on the command line from its
// ETCDCTL_* variable, as etcdctl does, and returns the variable of each flag
// it set. The root applies them before any command reads its options
// (checkInput), so a variable is checked as its flag is and no command can
// read a flag before its variable is applied.
func applyEnv(fs *pflag.FlagSet) (fromEnv map[string]string, err error) {
	fromEnv = map[string]string{}
	for _, name := range connFlagNames {
		f := fs.Lookup(name)
		if f == nil || f.Changed {
			continue
		}
		env := "ETCDCTL_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		v, ok := os.LookupEnv(env)
		if !ok {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return nil, badInput(fmt.Errorf("%s=%q: %v", env, v, err))
		}
		fromEnv[name] = env
	}
	return fromEnv, nil
}

// applyKubeadm fills the TLS files --kubeadm stands for, leaving those given.
func (o *connOptions) applyKubeadm() {
	if !o.kubeadm {
		return
	}
	fill := func(v *string, name string) {
		if *v == "" {
			*v = filepath.Join(o.kubeadmDir, name)
		}
	}
	fill(&o.cacert, "ca.crt")
	fill(&o.cert, "healthcheck-client.crt")
	fill(&o.key, "healthcheck-client.key")
}

// targetOptions validates the flags and turns them into etcdconn.Options;
// an embedded etcd logs to stderr, the command's.
func (o *connOptions) targetOptions(stderr io.Writer) (etcdconn.Options, error) {
	user, password := o.user, o.password
	if u, p, ok := strings.Cut(user, ":"); ok {
		if password != "" {
			return etcdconn.Options{}, badInput(fmt.Errorf("give the password in --user name:password or in --password, not both"))
		}
		user, password = u, p
	}
	o.applyKubeadm()
	switch {
	case o.dialTimeout <= 0:
		return etcdconn.Options{}, badInput(fmt.Errorf("--dial-timeout must be positive, got %v", o.dialTimeout))
	case o.commandTimeout < 0:
		return etcdconn.Options{}, badInput(fmt.Errorf("--command-timeout must not be negative, got %v", o.commandTimeout))
	case (o.cert == "") != (o.key == ""):
		return etcdconn.Options{}, badInput(fmt.Errorf("--cert and --key go together; give both or neither"))
	case len(o.endpoints) > 0 && o.dataDir != "":
		return etcdconn.Options{}, badInput(fmt.Errorf("--data-dir is for the embedded etcd; it cannot be used with --endpoints"))
	}
	return etcdconn.Options{
		Endpoints: o.endpoints, DialTimeout: o.dialTimeout, CommandTimeout: o.commandTimeout,
		CACert: o.cacert, Cert: o.cert, Key: o.key, User: user, Password: password,
		InsecureSkipTLSVerify: o.insecureSkipTLSVerify, InsecureTransport: o.insecureTransport,
		DataDir: o.dataDir, EmbeddedStderr: stderr,
	}, nil
}
