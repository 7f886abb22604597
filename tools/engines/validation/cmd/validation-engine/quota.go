package main

import (
	"context"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/plugin/resourcequota"
	resourcequotaapi "k8s.io/apiserver/pkg/admission/plugin/resourcequota/apis/resourcequota"
	quota "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/apiserver/pkg/quota/v1/generic"
	"k8s.io/client-go/informers"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/quota/v1/install"
)

// The ResourceQuota admission plugin, as kube-apiserver runs it, over the quotas of the input.
// On a cluster the quota controller fills a quota's status (hard, and the usage of what the
// namespace holds) right after its create; here that happens at once (quotaCreated), and the
// plugin's own status updates (each admitted object adds its usage) go to the same cache, so
// every later object of the run, and those the controllers create, is counted as on the server.

const quotaPluginEngine = "ResourceQuota admission"

// newQuotaPlugin builds the plugin with kube-apiserver's evaluators (pods, services, claims,
// object counts) and an offline client whose status updates land in the informer cache.
// The registry of those evaluators is returned too: quotaUsage counts with it.
func newQuotaPlugin(f informers.SharedInformerFactory) (admission.Interface, quota.Registry, error) {
	plugin, err := resourcequota.NewResourceQuota(&resourcequotaapi.Configuration{}, 1)
	if err != nil {
		return nil, nil, err
	}
	configuration := install.NewQuotaConfigurationForAdmission()
	plugin.SetDrainedNotification(make(chan struct{})) // never drained: the process ends instead
	plugin.SetExternalKubeClientSet(quotaClient{f: f})
	plugin.SetExternalKubeInformerFactory(f)
	plugin.SetQuotaConfiguration(configuration)
	if err := plugin.ValidateInitialization(); err != nil {
		return nil, nil, err
	}
	return plugin, generic.NewRegistry(configuration.Evaluators()), nil
}

// quotaCreated puts a quota the run created into the cache with the status the quota
// controller gives it: hard as in the spec, used as the namespace's stored objects add up.
func (c *cluster) quotaCreated(stored runtime.Object) {
	rq, ok := toVersioned(stored, corev1.SchemeGroupVersion).(*corev1.ResourceQuota)
	if !ok {
		return
	}
	rq = rq.DeepCopy()
	rq.ResourceVersion = "1"
	rq.Status.Hard = rq.Spec.Hard.DeepCopy()
	rq.Status.Used = c.quotaUsage(rq)
	c.cacheQuota(rq)
}

// quotaUsage adds up, with the admission evaluators, what the stored objects of the quota's
// namespace use of the resources it limits.
func (c *cluster) quotaUsage(rq *corev1.ResourceQuota) corev1.ResourceList {
	hard := quota.ResourceNames(rq.Status.Hard)
	used := quota.Mask(quota.Add(corev1.ResourceList{}, zeroes(hard)), hard)
	for _, obj := range c.mem.objects {
		accessor, err := meta.Accessor(obj)
		if err != nil || accessor.GetNamespace() != rq.Namespace {
			continue
		}
		gvks, _, err := legacyscheme.Scheme.ObjectKinds(obj)
		if err != nil {
			continue
		}
		k, known := kinds[gvks[0].GroupKind()]
		if !known {
			continue
		}
		gr := schema.GroupResource{Group: gvks[0].Group, Resource: k.resource}
		evaluator := c.quotaRegistry.Get(gr)
		if evaluator == nil {
			evaluator = generic.NewObjectCountEvaluator(gr, nil, "")
		}
		if matches, err := evaluator.Matches(rq, obj); err != nil || !matches {
			continue
		}
		if usage, err := evaluator.Usage(obj); err == nil {
			used = quota.Add(used, quota.Mask(usage, hard))
		}
	}
	return used
}

var quotaZero = resource.MustParse("0")

func zeroes(names []corev1.ResourceName) corev1.ResourceList {
	out := corev1.ResourceList{}
	for _, name := range names {
		out[name] = quotaZero.DeepCopy()
	}
	return out
}

func (c *cluster) cacheQuota(rq *corev1.ResourceQuota) {
	_ = c.informers.Core().V1().ResourceQuotas().Informer().GetIndexer().Update(rq)
}

// quotaClient is what the plugin asks when its cache has no quota for a namespace (there is
// no other) and where it writes the usage it admitted (into the cache, with a new version).
type quotaClient struct {
	offlineClient
	f informers.SharedInformerFactory
}

func (q quotaClient) CoreV1() corev1client.CoreV1Interface {
	return quotaCore{CoreV1Interface: offlineCore{}, f: q.f}
}

type quotaCore struct {
	corev1client.CoreV1Interface
	f informers.SharedInformerFactory
}

func (q quotaCore) ResourceQuotas(namespace string) corev1client.ResourceQuotaInterface {
	return offlineQuotas{f: q.f, namespace: namespace}
}

type offlineQuotas struct {
	corev1client.ResourceQuotaInterface
	f         informers.SharedInformerFactory
	namespace string
}

func (o offlineQuotas) List(context.Context, metav1.ListOptions) (*corev1.ResourceQuotaList, error) {
	items, err := o.f.Core().V1().ResourceQuotas().Lister().ResourceQuotas(o.namespace).List(labels.Everything())
	list := &corev1.ResourceQuotaList{}
	for _, item := range items {
		list.Items = append(list.Items, *item)
	}
	return list, err
}

func (o offlineQuotas) UpdateStatus(_ context.Context, rq *corev1.ResourceQuota, _ metav1.UpdateOptions) (*corev1.ResourceQuota, error) {
	updated := rq.DeepCopy()
	version, _ := strconv.Atoi(rq.ResourceVersion)
	updated.ResourceVersion = strconv.Itoa(version + 1)
	err := o.f.Core().V1().ResourceQuotas().Informer().GetIndexer().Update(updated)
	return updated, err
}
