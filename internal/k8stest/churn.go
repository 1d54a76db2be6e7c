package k8stest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Churn is the work a test puts on the cluster, as its users would: in
// one namespace, Deployments scaled between Replicas and half of it and
// rolled out in turn, and ConfigMaps and Secrets rewritten, every Period.
type Churn struct {
	Namespace   string
	Deployments int
	Replicas    int
	ConfigMaps  int
	Secrets     int
	// DataBytes is the size of each ConfigMap's and Secret's data.
	DataBytes int
	Period    time.Duration
}

// Setup creates the namespace and the objects of the churn, at full scale.
func (c *Cluster) Setup(ctx context.Context, ch Churn) error {
	cl := c.client
	if _, err := cl.Do(ctx, http.MethodPost, "/api/v1/namespaces", jsonType,
		fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":%q}}`, ch.Namespace)); err != nil {
		return err
	}
	ns := "/namespaces/" + ch.Namespace
	// The namespace's default ServiceAccount, which pods need, comes from
	// the controller manager shortly after.
	if err := poll(ctx, "the default ServiceAccount", func() error {
		_, err := cl.Get(ctx, "/api/v1"+ns+"/serviceaccounts/default")
		return err
	}); err != nil {
		return err
	}
	for i := range ch.ConfigMaps {
		if _, err := cl.Do(ctx, http.MethodPost, "/api/v1"+ns+"/configmaps", jsonType, ch.configMap(i, 0)); err != nil {
			return err
		}
	}
	for i := range ch.Secrets {
		if _, err := cl.Do(ctx, http.MethodPost, "/api/v1"+ns+"/secrets", jsonType, ch.secret(i, 0)); err != nil {
			return err
		}
	}
	for i := range ch.Deployments {
		for _, o := range []struct {
			path string
			body []byte
		}{{"/api/v1" + ns + "/serviceaccounts", ch.serviceAccount(i)}, {"/api/v1" + ns + "/services", ch.service(i)},
			{"/apis/apps/v1" + ns + "/deployments", ch.deployment(i)}} {
			if _, err := cl.Do(ctx, http.MethodPost, o.path, jsonType, o.body); err != nil {
				return err
			}
		}
	}
	return nil
}

// Run churns until ctx ends, a Step every Period. It returns nil when ctx
// ends.
func (c *Cluster) Run(ctx context.Context, ch Churn) error {
	tick := time.NewTicker(ch.Period)
	defer tick.Stop()
	for step := 1; ; step++ {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		if err := c.Step(ctx, ch, step); err != nil && ctx.Err() == nil {
			return err
		}
	}
}

// Step is step number step (from 1) of the churn: it scales every
// Deployment to half its replicas on odd steps and back on even ones, so
// that two steps start as many pods as they end; rolls one Deployment out
// (a new pod template) every fourth step; and rewrites every ConfigMap and
// Secret.
func (c *Cluster) Step(ctx context.Context, ch Churn, step int) error {
	cl := c.client
	ns := "/namespaces/" + ch.Namespace
	replicas := ch.Replicas
	if step%2 == 1 {
		replicas = max(1, ch.Replicas/2)
	}
	var errs []error
	patch := func(path string, body string) {
		if _, err := cl.Do(ctx, http.MethodPatch, path, mergePatchType, []byte(body)); err != nil {
			errs = append(errs, err)
		}
	}
	for i := range ch.Deployments {
		spec := fmt.Sprintf(`"replicas":%d`, replicas)
		if step%4 == 0 && i == (step/4)%ch.Deployments {
			spec += fmt.Sprintf(`,"template":{"metadata":{"annotations":{"etcdtune.io/rollout":"%d"}}}`, step)
		}
		patch(fmt.Sprintf("/apis/apps/v1%s/deployments/churn-%d", ns, i), `{"spec":{`+spec+`}}`)
	}
	for i := range ch.ConfigMaps {
		patch(fmt.Sprintf("/api/v1%s/configmaps/churn-%d", ns, i), string(ch.configMap(i, step)))
	}
	for i := range ch.Secrets {
		patch(fmt.Sprintf("/api/v1%s/secrets/churn-%d", ns, i), string(ch.secret(i, step)))
	}
	return errors.Join(errs...)
}

const (
	jsonType       = "application/json"
	mergePatchType = "application/merge-patch+json"
)

// data is DataBytes of text that changes with step.
func (ch Churn) data(step int) string {
	s := fmt.Sprintf("step-%d-", step)
	return (strings.Repeat(s, ch.DataBytes/len(s)+1))[:ch.DataBytes]
}

func (ch Churn) configMap(i, step int) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"churn-%d"},"data":{"config":%q}}`, i, ch.data(step))
}

func (ch Churn) secret(i, step int) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"churn-%d"},"stringData":{"secret":%q}}`, i, ch.data(step))
}

// deployment is Deployment i as `helm create`'s chart (Helm 3) makes it,
// with its chart's labels, ServiceAccount, named port and HTTP probes: a
// common shape of an application's pods, so that what the apiserver
// stores for them is of a real pod's size and not of a bare pause pod's.
func (ch Churn) deployment(i int) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"churn-%[1]d","labels":%[3]s},
"spec":{"replicas":%[2]d,"selector":{"matchLabels":{"app.kubernetes.io/name":"churn","app.kubernetes.io/instance":"churn-%[1]d"}},
"template":{"metadata":{"labels":%[3]s},
"spec":{"serviceAccountName":"churn-%[1]d","securityContext":{},
"containers":[{"name":"churn","securityContext":{},"image":"nginx:1.16.0","imagePullPolicy":"IfNotPresent",
"ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
"livenessProbe":{"httpGet":{"path":"/","port":"http"}},"readinessProbe":{"httpGet":{"path":"/","port":"http"}},
"resources":{}}]}}}}`, i, ch.Replicas, chartLabels(i))
}

// service and serviceAccount are the chart's other objects of Deployment
// i: the Service gives its pods Endpoints and EndpointSlices, which the
// controller manager rewrites as pods come and go.
func (ch Churn) service(i int) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"churn-%[1]d","labels":%[2]s},
"spec":{"type":"ClusterIP","ports":[{"port":80,"targetPort":"http","protocol":"TCP","name":"http"}],
"selector":{"app.kubernetes.io/name":"churn","app.kubernetes.io/instance":"churn-%[1]d"}}}`, i, chartLabels(i))
}

func (ch Churn) serviceAccount(i int) []byte {
	return fmt.Appendf(nil, `{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"churn-%[1]d","labels":%[2]s},"automountServiceAccountToken":true}`,
		i, chartLabels(i))
}

// chartLabels are the labels `helm create`'s chart puts on every object.
func chartLabels(i int) string {
	return fmt.Sprintf(`{"helm.sh/chart":"churn-0.1.0","app.kubernetes.io/name":"churn","app.kubernetes.io/instance":"churn-%d",`+
		`"app.kubernetes.io/version":"1.16.0","app.kubernetes.io/managed-by":"Helm"}`, i)
}

// WaitReplicas waits until Deployment ns/name has want ready replicas.
func (c *Cluster) WaitReplicas(ctx context.Context, ns, name string, want int) error {
	return poll(ctx, fmt.Sprintf("%d ready replicas of %s", want, name), func() error {
		b, err := c.client.Get(ctx, "/apis/apps/v1/namespaces/"+ns+"/deployments/"+name)
		if err != nil {
			return err
		}
		var d struct{ Status struct{ ReadyReplicas int } }
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		if d.Status.ReadyReplicas != want {
			return fmt.Errorf("%d ready", d.Status.ReadyReplicas)
		}
		return nil
	})
}
