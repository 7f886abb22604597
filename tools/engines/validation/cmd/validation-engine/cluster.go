package main

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apiserver/pkg/admission"
	admissioninitializer "k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle"
	"k8s.io/apiserver/pkg/admission/plugin/resourcequota"
	"k8s.io/apiserver/pkg/audit"
	"k8s.io/apiserver/pkg/authentication/user"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	quota "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/client-go/informers"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	api "k8s.io/kubernetes/pkg/apis/core"
	schedulingv1helpers "k8s.io/kubernetes/pkg/apis/scheduling/v1"
	"k8s.io/kubernetes/pkg/registry/core/service/ipallocator"
	"k8s.io/kubernetes/pkg/registry/core/service/portallocator"
	servicestore "k8s.io/kubernetes/pkg/registry/core/service/storage"
	"k8s.io/kubernetes/plugin/pkg/admission/defaulttolerationseconds"
	"k8s.io/kubernetes/plugin/pkg/admission/limitranger"
	"k8s.io/kubernetes/plugin/pkg/admission/priority"
	"k8s.io/kubernetes/plugin/pkg/admission/security/podsecurity"
	"k8s.io/kubernetes/plugin/pkg/admission/serviceaccount"
	netutils "k8s.io/utils/net"
)

// Options are the cluster flags the engine cannot know: kube-apiserver's defaults for 1.28.
type Options struct {
	ServiceCIDR   string `json:"serviceCIDR"`   // --service-cluster-ip-range
	NodePortRange string `json:"nodePortRange"` // --service-node-port-range
	// AllowPrivileged is --allow-privileged: false in kube-apiserver itself, true on the
	// clusters learners use (kubeadm, kind, minikube, k3s set it), so true here.
	AllowPrivileged *bool `json:"allowPrivileged,omitempty"`
}

func defaultOptions() Options {
	allow := true
	return Options{ServiceCIDR: "10.96.0.0/12", NodePortRange: "30000-32767", AllowPrivileged: &allow}
}

// The admission plugins the engine runs, in kube-apiserver's order (AllOrderedPlugins), with
// the name findings give as their engine. NamespaceLifecycle knows the namespaces of the input
// that were created, the built-in ones and those assumed to exist. The others of the default
// set need the cluster (RuntimeClass; webhooks
// and ValidatingAdmissionPolicies), only set defaults (DefaultStorageClass: it pulls the
// volume plugins in, which do not build for WebAssembly; DefaultIngressClass;
// StorageObjectInUseProtection) or do not touch what a manifest holds.
var admissionPlugins = []struct{ name, engine string }{
	{lifecycle.PluginName, "NamespaceLifecycle admission"},
	{limitranger.PluginName, "LimitRanger admission"},
	{serviceaccount.PluginName, "ServiceAccount admission"},
	{podsecurity.PluginName, "PodSecurity"},
	{priority.PluginName, "Priority admission"},
	{defaulttolerationseconds.PluginName, "DefaultTolerationSeconds admission"},
}

type namedPlugin struct {
	name, engine string
	plugin       admission.Interface
}

// cluster is the state of one run: the stored objects, the Service allocators, the admission
// plugins and the informer caches they read (filled from the input).
type cluster struct {
	opts      Options
	mem       *memory
	getter    restOptions
	stores    map[schema.GroupKind]*genericregistry.Store
	services  *servicestore.REST
	ipAlloc   ipallocator.Interface
	portAlloc portallocator.Interface
	informers informers.SharedInformerFactory
	plugins   []namedPlugin
	objects   admission.ObjectInterfaces
	// declared: the namespaces the input (or --previous) declares.
	declared map[string]bool
	// quotaRegistry: the ResourceQuota admission plugin's evaluators, to count a new quota's usage.
	quotaRegistry quota.Registry
	// createdHere: the storage keys of the objects this run created.
	createdHere map[string]bool

	// step names what refused the object in the current request (set by hooks).
	step string
}

// admin is who kubectl runs as on a kubeadm cluster.
var admin = &user.DefaultInfo{Name: "kubernetes-admin", Groups: []string{"system:masters", user.AllAuthenticated}}

func newCluster(opts Options) (*cluster, error) {
	c := &cluster{
		opts:    opts,
		mem:     newMemory(),
		stores:  map[schema.GroupKind]*genericregistry.Store{},
		objects: admission.NewObjectInterfacesFromScheme(legacyscheme.Scheme),

		declared:    map[string]bool{},
		createdHere: map[string]bool{},
	}
	c.getter = restOptions{mem: c.mem}
	c.informers = informers.NewSharedInformerFactory(offlineClient{}, 0)
	plugins := admission.NewPlugins()
	lifecycle.Register(plugins)
	limitranger.Register(plugins)
	serviceaccount.Register(plugins)
	podsecurity.Register(plugins)
	priority.Register(plugins)
	defaulttolerationseconds.Register(plugins)
	init := admissioninitializer.New(offlineClient{}, nil, c.informers, nil, utilfeature.DefaultFeatureGate, nil)
	for _, p := range admissionPlugins {
		plugin, err := plugins.InitPlugin(p.name, nil, init)
		if err != nil {
			return nil, err
		}
		// The informers are never started: the caches are filled from the input, so the
		// plugins are ready at once (otherwise each waits 10 s for a sync that never comes).
		if ready, ok := plugin.(interface{ SetReadyFunc(admission.ReadyFunc) }); ok {
			ready.SetReadyFunc(func() bool { return true })
		}
		c.plugins = append(c.plugins, namedPlugin{p.name, p.engine, plugin})
	}
	// ResourceQuota comes last, as in kube-apiserver's order.
	quotaPlugin, quotaRegistry, err := newQuotaPlugin(c.informers)
	if err != nil {
		return nil, err
	}
	c.quotaRegistry = quotaRegistry
	c.plugins = append(c.plugins, namedPlugin{resourcequota.PluginName, quotaPluginEngine, quotaPlugin})
	if err := c.newServiceREST(); err != nil {
		return nil, err
	}
	if err := c.addBuiltins(); err != nil {
		return nil, err
	}
	return c, nil
}

// newServiceREST builds the Service storage of kube-apiserver with in-memory allocators over
// the service CIDR and node-port range.
func (c *cluster) newServiceREST() error {
	_, cidr, err := netutils.ParseCIDRSloppy(c.opts.ServiceCIDR)
	if err != nil {
		return fmt.Errorf("service CIDR %q: %w", c.opts.ServiceCIDR, err)
	}
	ipAlloc, err := ipallocator.NewInMemory(cidr)
	if err != nil {
		return fmt.Errorf("service CIDR %q: %w", c.opts.ServiceCIDR, err)
	}
	ports, err := utilnet.ParsePortRange(c.opts.NodePortRange)
	if err != nil {
		return fmt.Errorf("node-port range %q: %w", c.opts.NodePortRange, err)
	}
	portAlloc, err := portallocator.NewInMemory(*ports)
	if err != nil {
		return fmt.Errorf("node-port range %q: %w", c.opts.NodePortRange, err)
	}
	family := api.IPv4Protocol
	if netutils.IsIPv6CIDR(cidr) {
		family = api.IPv6Protocol
	}
	services, _, _, err := servicestore.NewREST(c.getter, family, map[api.IPFamily]ipallocator.Interface{family: ipAlloc}, portAlloc, nil, nil, nil)
	if err != nil {
		return err
	}
	begin, update := services.Store.BeginCreate, services.Store.BeginUpdate
	services.Store.BeginCreate = func(ctx context.Context, obj runtime.Object, options *metav1.CreateOptions) (genericregistry.FinishFunc, error) {
		finish, err := begin(ctx, obj, options)
		if err != nil {
			c.step = "allocation"
		}
		return finish, err
	}
	services.Store.BeginUpdate = func(ctx context.Context, obj, old runtime.Object, options *metav1.UpdateOptions) (genericregistry.FinishFunc, error) {
		finish, err := update(ctx, obj, old, options)
		if err != nil {
			c.step = "allocation"
		}
		return finish, err
	}
	c.services, c.ipAlloc, c.portAlloc = services, ipAlloc, portAlloc
	return nil
}

// store returns the generic registry store of a kind (the Service REST for Services).
func (c *cluster) store(gk schema.GroupKind) (*genericregistry.Store, error) {
	if gk == (schema.GroupKind{Kind: "Service"}) {
		return c.services.Store, nil
	}
	if s, ok := c.stores[gk]; ok {
		return s, nil
	}
	k := kinds[gk]
	gr := schema.GroupResource{Group: gk.Group, Resource: k.resource}
	s := &genericregistry.Store{
		NewFunc:                   k.newFunc,
		NewListFunc:               k.newListFunc,
		DefaultQualifiedResource:  gr,
		SingularQualifiedResource: schema.GroupResource{Group: gk.Group, Resource: k.singular},
		CreateStrategy:            k.strategy,
		UpdateStrategy:            k.strategy,
		DeleteStrategy:            k.strategy,
		TableConvertor:            rest.NewDefaultTableConvertor(gr),
	}
	if err := s.CompleteWithOptions(&generic.StoreOptions{RESTOptions: c.getter}); err != nil {
		return nil, err
	}
	c.stores[gk] = s
	return s, nil
}

// addBuiltins stores what every 1.28 cluster holds before anything is applied: the four
// namespaces, the `kubernetes` Service at the first address of the range, the system
// PriorityClasses (and the caches the admission plugins read).
func (c *cluster) addBuiltins() error {
	for _, name := range []string{"default", "kube-system", "kube-public", "kube-node-lease"} {
		ns := &corev1.Namespace{}
		ns.Name = name
		ns.Labels = map[string]string{"kubernetes.io/metadata.name": name}
		if err := c.preload(ns, false); err != nil {
			return err
		}
	}
	for _, pc := range schedulingv1helpers.SystemPriorityClasses() {
		if err := c.preload(pc.DeepCopy(), false); err != nil {
			return err
		}
	}
	_, cidr, _ := netutils.ParseCIDRSloppy(c.opts.ServiceCIDR)
	first, err := netutils.GetIndexedIP(cidr, 1)
	if err != nil {
		return err
	}
	svc := &corev1.Service{}
	svc.Name, svc.Namespace = "kubernetes", "default"
	svc.Labels = map[string]string{"component": "apiserver", "provider": "kubernetes"}
	svc.Spec.ClusterIP = first.String()
	svc.Spec.Ports = []corev1.ServicePort{{Name: "https", Port: 443, Protocol: corev1.ProtocolTCP, TargetPort: intstr.FromInt32(6443)}}
	return c.preload(svc, false)
}

// preload stores an object as already present in the cluster (a built-in, or an object of
// --previous), and adds it to the caches and allocators as the running cluster has it.
func (c *cluster) preload(versioned runtime.Object, fromInput bool) error {
	gvks, _, err := legacyscheme.Scheme.ObjectKinds(versioned)
	if err != nil {
		return err
	}
	gvk := gvks[0]
	c.cache(versioned)
	internal, err := legacyscheme.Scheme.ConvertToVersion(versioned, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
	if err != nil {
		return err
	}
	return c.storeExisting(gvk.GroupKind(), internal)
}

// storeExisting writes an internal object into the store as it would be after its create.
func (c *cluster) storeExisting(gk schema.GroupKind, internal runtime.Object) error {
	s, err := c.store(gk)
	if err != nil {
		return err
	}
	accessor, err := metaAccessor(internal)
	if err != nil {
		return err
	}
	rest.FillObjectMetaSystemFields(accessor)
	accessor.SetResourceVersion("")
	ctx := genericapirequest.WithNamespace(genericapirequest.NewContext(), accessor.GetNamespace())
	key, err := s.KeyFunc(ctx, accessor.GetName())
	if err != nil {
		return err
	}
	if svc, ok := internal.(*api.Service); ok {
		c.allocateExisting(svc)
	}
	return (&memStorage{mem: c.mem, newFunc: s.NewFunc}).put(key, internal, nil)
}

// allocateExisting marks the addresses and node ports of a stored Service as taken.
func (c *cluster) allocateExisting(svc *api.Service) {
	for _, ip := range append([]string{svc.Spec.ClusterIP}, svc.Spec.ClusterIPs...) {
		if parsed := netutils.ParseIPSloppy(ip); parsed != nil {
			_ = c.ipAlloc.Allocate(parsed)
		}
	}
	for _, port := range svc.Spec.Ports {
		if port.NodePort != 0 {
			_ = c.portAlloc.Allocate(int(port.NodePort))
		}
	}
	if svc.Spec.HealthCheckNodePort != 0 {
		_ = c.portAlloc.Allocate(int(svc.Spec.HealthCheckNodePort))
	}
}

// cache adds a versioned object to the informer cache the admission plugins read.
func (c *cluster) cache(obj runtime.Object) {
	core := c.informers.Core().V1()
	switch o := obj.(type) {
	case *corev1.Namespace:
		_ = core.Namespaces().Informer().GetIndexer().Update(o)
	case *corev1.ServiceAccount:
		_ = core.ServiceAccounts().Informer().GetIndexer().Update(o)
	case *corev1.LimitRange:
		_ = core.LimitRanges().Informer().GetIndexer().Update(o)
	case *schedulingv1.PriorityClass:
		_ = c.informers.Scheduling().V1().PriorityClasses().Informer().GetIndexer().Update(o)
	}
}

// uncache removes from the informer caches an object of the input that was put there in advance
// (cacheDocument) and then refused: the cluster does not hold it, so a Namespace refused leaves
// the objects meant for it without a namespace, as on the server.
func (c *cluster) uncache(kind, namespace, name string) {
	core := c.informers.Core().V1()
	meta := metav1.ObjectMeta{Name: name, Namespace: namespace}
	switch kind {
	case "Namespace":
		_ = core.Namespaces().Informer().GetIndexer().Delete(&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
	case "ServiceAccount":
		_ = core.ServiceAccounts().Informer().GetIndexer().Delete(&corev1.ServiceAccount{ObjectMeta: meta})
	case "LimitRange":
		_ = core.LimitRanges().Informer().GetIndexer().Delete(&corev1.LimitRange{ObjectMeta: meta})
	case "PriorityClass":
		_ = c.informers.Scheduling().V1().PriorityClasses().Informer().GetIndexer().Delete(&schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}})
	}
}

// ensureNamespace makes a namespace the input uses but does not declare exist in the caches,
// without labels (assumed to exist).
func (c *cluster) ensureNamespace(name string) (assumed bool) {
	if _, err := c.informers.Core().V1().Namespaces().Lister().Get(name); err != nil {
		ns := &corev1.Namespace{}
		ns.Name = name
		ns.Labels = map[string]string{"kubernetes.io/metadata.name": name}
		c.cache(ns)
		assumed = true
	}
	return assumed
}

// ensureDefaultServiceAccount gives a namespace its `default` ServiceAccount, which the
// service account controller creates with every namespace.
func (c *cluster) ensureDefaultServiceAccount(namespace string) {
	if _, err := c.informers.Core().V1().ServiceAccounts().Lister().ServiceAccounts(namespace).Get("default"); err != nil {
		sa := &corev1.ServiceAccount{}
		sa.Name, sa.Namespace = "default", namespace
		c.cache(sa)
	}
}

// recorder collects the warnings of one component.
type recorder struct{ texts []string }

func (r *recorder) AddWarning(_, text string) {
	for _, t := range r.texts {
		if t == text {
			return
		}
	}
	r.texts = append(r.texts, text)
}

// requestContext is what the API server's handler chain puts in the context of a request.
func requestContext(namespace string, info *genericapirequest.RequestInfo, warnings *recorder) context.Context {
	ctx := genericapirequest.WithNamespace(genericapirequest.NewContext(), namespace)
	ctx = genericapirequest.WithRequestInfo(ctx, info)
	ctx = genericapirequest.WithUser(ctx, admin)
	ctx = warning.WithWarningRecorder(ctx, warnings)
	return audit.WithAuditContext(ctx)
}

// chain runs the plugins as admission.chainAdmissionHandler does, remembering which plugin
// refused and giving each plugin its own warning recorder and audit context, so that the
// findings can say who said what.
type chain struct {
	c        *cluster
	refused  string
	warnings []engineText
}

type engineText struct {
	Engine  string `json:"engine"`
	Message string `json:"message"`
}

func (ch *chain) Handles(admission.Operation) bool { return true }

func (ch *chain) run(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces, mutate bool) error {
	for _, p := range ch.c.plugins {
		if !p.plugin.Handles(a.GetOperation()) {
			continue
		}
		warnings := &recorder{}
		pctx := audit.WithAuditContext(warning.WithWarningRecorder(ctx, warnings))
		var err error
		if m, ok := p.plugin.(admission.MutationInterface); mutate && ok {
			err = m.Admit(pctx, a, o)
		} else if v, ok := p.plugin.(admission.ValidationInterface); !mutate && ok {
			err = v.Validate(pctx, a, o)
		}
		for _, text := range warnings.texts {
			ch.warnings = append(ch.warnings, engineText{p.engine, text})
		}
		for key, value := range audit.AuditContextFrom(pctx).Event.Annotations {
			if strings.HasSuffix(key, "/audit-violations") {
				ch.warnings = append(ch.warnings, engineText{p.engine + " (audit)", value})
			}
		}
		if err != nil {
			ch.refused = p.engine
			return err
		}
	}
	return nil
}

func (ch *chain) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	return ch.run(ctx, a, o, true)
}

func (ch *chain) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	return ch.run(ctx, a, o, false)
}
