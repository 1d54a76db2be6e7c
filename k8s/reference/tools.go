//go:build tools

// Package reference pins a real Kubernetes control plane (k8s.io/kubernetes
// v1.34.x, whose etcd client is v3.6) that internal/k8stest builds from the
// module proxy for etcdtune's tests: kube-apiserver, kube-controller-manager,
// kube-scheduler, and hollownode (kubemark's hollow kubelet bound to
// loopback). It is a module of its own so that Kubernetes and its
// dependencies stay out of etcdtune's go.mod.
package reference

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
