package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"k8s.io/apimachinery/pkg/api/validation/path"
	"runtime/debug"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apiserver/pkg/admission"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
)

// Engine names, as findings give them.
const (
	engineAPIServer = "kube-apiserver 1.28.15 validation"
	engineAllocator = "kube-apiserver 1.28.15 Service allocation"
	engineStorage   = "kube-apiserver 1.28.15 storage"
	engineKubectl   = "kubectl 1.28 (REST mapping)"
	engineApply     = "kubectl 1.28 (apply)"
	engineNone      = "not judged by this engine"
)

// Verdicts.
const (
	accepted  = "accepted"
	refused   = "refused"
	notJudged = "not judged"
)

var (
	strictDecoder  = serializer.NewCodecFactory(legacyscheme.Scheme, serializer.EnableStrict).UniversalDecoder()
	lenientDecoder = serializer.NewCodecFactory(legacyscheme.Scheme).UniversalDecoder()
)

// Status is the API server's answer to a refused request (metav1.Status, in short).
type Status struct {
	Code    int32                `json:"code"`
	Reason  metav1.StatusReason  `json:"reason"`
	Message string               `json:"message"`
	Causes  []metav1.StatusCause `json:"causes,omitempty"`
}

// Result is what the engine says about one object of the input.
type Result struct {
	File       string `json:"file"`
	Document   int    `json:"document"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"` // as written (kubectl sends a namespaced object without one to "default")
	Name       string `json:"name"`
	// Operation is what kubectl apply sends: create, update (the object is in --previous or
	// built in), unchanged (nothing to patch), or none (the request never leaves kubectl).
	Operation string       `json:"operation"`
	Verdict   string       `json:"verdict"`
	Engine    string       `json:"engine"`
	Message   string       `json:"message,omitempty"` // as kubectl prints it
	Status    *Status      `json:"status,omitempty"`
	Warnings  []engineText `json:"warnings,omitempty"`
	// Later: what the objects a controller creates from this one meet (the Pods of a
	// Deployment, the claims of a StatefulSet).
	Later []Later  `json:"later,omitempty"`
	Notes []string `json:"notes,omitempty"`
}

// Later is the verdict on an object a controller makes from an accepted one.
type Later struct {
	Controller string       `json:"controller"`
	Kind       string       `json:"kind"`
	Name       string       `json:"name"`
	Verdict    string       `json:"verdict"`
	Engine     string       `json:"engine,omitempty"`
	Message    string       `json:"message,omitempty"` // as the controller's FailedCreate event says it
	Status     *Status      `json:"status,omitempty"`
	Warnings   []engineText `json:"warnings,omitempty"`
}

// document is one object of the input, as kubectl reads it (YAML converted to JSON).
type document struct {
	file  string
	index int
	json  []byte
	head  struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Metadata   struct {
			Name         string `json:"name"`
			GenerateName string `json:"generateName"`
			Namespace    string `json:"namespace"`
		} `json:"metadata"`
	}
}

func (d *document) result() Result {
	name := d.head.Metadata.Name
	if name == "" {
		name = d.head.Metadata.GenerateName
	}
	return Result{File: d.file, Document: d.index, APIVersion: d.head.APIVersion, Kind: d.head.Kind,
		Namespace: d.head.Metadata.Namespace, Name: name}
}

func statusOf(err error) *Status {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return &Status{Code: 500, Reason: metav1.StatusReasonInternalError, Message: err.Error()}
	}
	s := status.Status()
	out := &Status{Code: s.Code, Reason: s.Reason, Message: s.Message}
	if s.Details != nil {
		out.Causes = s.Details.Causes
	}
	return out
}

// refuse fills a result with a refusal and the text kubectl prints for it.
func refuse(r *Result, engine string, err error, verb string) {
	r.Verdict, r.Engine = refused, engine
	r.Status = statusOf(err)
	r.Message = kubectlText(err, verb, r.File)
}

// transformDecodeError is what kube-apiserver's create and update handlers answer when the
// body does not decode (handlers.transformDecodeError).
func transformDecodeError(err error, gvk schema.GroupVersionKind) error {
	return apierrors.NewBadRequest(fmt.Sprintf("%s in version %q cannot be handled as a %s: %v", gvk.Kind, gvk.Version, gvk.Kind, err))
}

// decode reads a document as the API server reads a request body: strictly (unknown and
// duplicate fields are errors, as with kubectl's default --validate=strict), defaulted and
// converted to the internal version.
func decode(data []byte, gvk schema.GroupVersionKind, strict bool) (runtime.Object, error) {
	decoder := lenientDecoder
	if strict {
		decoder = strictDecoder
	}
	obj, _, err := decoder.Decode(data, &gvk, nil)
	if err != nil {
		return nil, transformDecodeError(err, gvk)
	}
	return obj, nil
}

func metaAccessor(obj runtime.Object) (metav1.Object, error) { return meta.Accessor(obj) }

// classify says whether the engine judges a document's kind, and why not.
func classify(d *document, r *Result) (schema.GroupVersionKind, kind, bool) {
	gv, err := schema.ParseGroupVersion(d.head.APIVersion)
	if err != nil || d.head.Kind == "" {
		r.Operation, r.Verdict, r.Engine = "none", notJudged, engineNone
		r.Notes = append(r.Notes, "no apiVersion/kind that kubectl can read")
		return schema.GroupVersionKind{}, kind{}, false
	}
	gvk := gv.WithKind(d.head.Kind)
	builtinGroup, isServed := served(gv)
	if !builtinGroup {
		r.Operation, r.Verdict, r.Engine = "none", notJudged, engineNone
		r.Notes = append(r.Notes, fmt.Sprintf("%s is not a built-in API group of Kubernetes 1.28 (a CustomResourceDefinition's kind is judged by its schema and its own webhooks)", groupName(gv.Group)))
		return gvk, kind{}, false
	}
	k, known := kinds[gvk.GroupKind()]
	recognized := legacyscheme.Scheme.Recognizes(gvk)
	if !isServed || (!recognized && schemeHasGroup(gv.Group)) {
		r.Operation = "none"
		searched := &meta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gv.Version}}
		namespace := d.head.Metadata.Namespace
		err := fmt.Errorf("resource mapping not found for name: %q namespace: %q from %q: %v\nensure CRDs are installed first",
			d.head.Metadata.Name, namespace, d.file, searched)
		r.Verdict, r.Engine, r.Message = refused, engineKubectl, kubectlText(err, "", "")
		r.Status = &Status{Code: 404, Reason: metav1.StatusReasonNotFound, Message: searched.Error()}
		return gvk, kind{}, false
	}
	if !known {
		r.Operation, r.Verdict, r.Engine = "none", notJudged, engineNone
		r.Notes = append(r.Notes, fmt.Sprintf("%s is served by Kubernetes 1.28 but this engine does not model its registry", gvk.GroupKind()))
		return gvk, kind{}, false
	}
	return gvk, k, true
}

func groupName(group string) string {
	if group == "" {
		return "the core group"
	}
	return group
}

func schemeHasGroup(group string) bool {
	for _, gv := range legacyscheme.Scheme.PrioritizedVersionsAllGroups() {
		if gv.Group == group {
			return true
		}
	}
	return false
}

// namespaceFor is the namespace kubectl sends a request to: the object's, or the kubeconfig
// context's ("default") when the object has none; none for cluster-scoped kinds.
func namespaceFor(d *document, namespaced bool) string {
	if !namespaced {
		return ""
	}
	if d.head.Metadata.Namespace != "" {
		return d.head.Metadata.Namespace
	}
	return metav1.NamespaceDefault
}

func isNamespaced(gk schema.GroupKind, k kind) bool {
	if k.strategy == nil {
		return true // Service
	}
	return k.strategy.NamespaceScoped()
}

func requestInfo(verb string, gvr schema.GroupVersionResource, namespace, name string) *genericapirequest.RequestInfo {
	prefix := "apis"
	if gvr.Group == "" {
		prefix = "api"
	}
	return &genericapirequest.RequestInfo{IsResourceRequest: true, Verb: verb, APIPrefix: prefix, APIGroup: gvr.Group,
		APIVersion: gvr.Version, Namespace: namespace, Resource: gvr.Resource, Name: name}
}

// judge runs one document through what `kubectl apply` meets.
func (c *cluster) judge(d *document) (r Result) {
	r = d.result()
	defer func() {
		if p := recover(); p != nil {
			r.Verdict, r.Engine = notJudged, engineNone
			r.Message = ""
			r.Notes = append(r.Notes, fmt.Sprintf("internal error of the engine: %v; please report it\n%s", p, firstLines(string(debug.Stack()), 12)))
		}
	}()
	if d.head.Metadata.Name == "" && d.head.Metadata.GenerateName != "" && d.head.APIVersion != "" && d.head.Kind != "" {
		// kubectl apply stops before any request, whatever the kind (apply.go: applyOneObject).
		err := fmt.Errorf("from %s: cannot use generate name with apply", d.head.Metadata.GenerateName)
		r.Operation, r.Verdict, r.Engine = "none", refused, engineApply
		r.Message = kubectlText(err, "", "")
		r.Status = &Status{Message: err.Error()}
		r.Notes = append(r.Notes, "kubectl create accepts it (the API server generates the name)")
		return r
	}
	gvk, k, ok := classify(d, &r)
	if !ok {
		return r
	}
	namespaced := isNamespaced(gvk.GroupKind(), k)
	namespace := namespaceFor(d, namespaced)
	// A namespace the input declares exists once its Namespace is created (and not if that was
	// refused); one it only uses is assumed to exist.
	if namespaced {
		if !c.declared[namespace] && c.ensureNamespace(namespace) {
			r.Notes = append(r.Notes, fmt.Sprintf("namespace %q is not in the input: assumed to exist, without Pod Security labels", namespace))
		}
		c.ensureDefaultServiceAccount(namespace)
	}
	defer func() {
		if r.Verdict == refused && r.Operation == "create" {
			c.uncache(gvk.Kind, namespace, d.head.Metadata.Name)
		}
	}()
	gvr := gvk.GroupVersion().WithResource(k.resource)
	if name := d.head.Metadata.Name; name != "" {
		// kubectl apply first asks for the live object; its REST client refuses a name that cannot
		// be a URL path segment before any request (client-go rest.Request.Name).
		if problems := path.IsValidPathSegmentName(name); len(problems) > 0 {
			infoNamespace := "" // kubectl's Info has none for a cluster-scoped object
			if namespaced {
				infoNamespace = namespace
			}
			info := fmt.Sprintf("Resource: %q, GroupVersionKind: %q\nName: %q, Namespace: %q", gvr.String(), gvk.String(), name, infoNamespace)
			err := fmt.Errorf("error when retrieving current configuration of:\n%s\nfrom server for: %q: invalid resource name %q: %v", info, d.file, name, problems)
			r.Operation, r.Verdict, r.Engine = "none", refused, engineApply
			r.Message = kubectlText(err, "", "")
			r.Status = &Status{Message: err.Error()}
			return r
		}
	}
	store, err := c.store(gvk.GroupKind())
	if err != nil {
		panic(err)
	}
	// An object that exists is patched: kubectl sends the manifest's changes, and the server
	// decodes what the patch makes of the stored object (patch.go), not the manifest itself.
	if existing := c.existing(store, namespace, d.head.Metadata.Name); existing != nil {
		if c.createdHere[c.key(store, namespace, d.head.Metadata.Name)] {
			r.Notes = append(r.Notes, "declared earlier in the input: kubectl apply patches that object with this one (kubectl create would answer that it already exists)")
		}
		c.update(d, &r, gvk, gvr, store, namespace, existing)
		return r
	}
	obj, err := decode(d.json, gvk, true)
	if err != nil {
		r.Operation = "create"
		refuse(&r, engineAPIServer, err, "creating")
		return r
	}
	c.create(&r, obj, gvk, gvr, store, namespace)
	if r.Verdict == accepted {
		r.Later = c.later(obj, gvk)
	}
	return r
}

func firstLines(text string, n int) string {
	lines := strings.SplitN(text, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

func (c *cluster) existing(store *genericregistry.Store, namespace, name string) runtime.Object {
	if name == "" {
		return nil
	}
	return c.mem.objects[c.key(store, namespace, name)]
}

func (c *cluster) key(store *genericregistry.Store, namespace, name string) string {
	key, err := store.KeyFunc(genericapirequest.WithNamespace(genericapirequest.NewContext(), namespace), name)
	if err != nil {
		return ""
	}
	return key
}

// create is kube-apiserver's create handler (handlers.createHandler) and the registry's
// Store.Create: system fields wiped, namespace checked, mutating admission, then the store
// (name generation, Service allocation, the strategy's PrepareForCreate and Validate, the
// generic ObjectMeta validation), validating admission, and the write.
func (c *cluster) create(r *Result, obj runtime.Object, gvk schema.GroupVersionKind, gvr schema.GroupVersionResource,
	store *genericregistry.Store, namespace string) runtime.Object {
	r.Operation = "create"
	accessor, err := meta.Accessor(obj)
	if err != nil {
		panic(err)
	}
	warnings := &recorder{}
	ctx := requestContext(namespace, requestInfo("create", gvr, namespace, ""), warnings)
	rest.WipeObjectMetaSystemFields(accessor)
	if err := rest.EnsureObjectNamespaceMatchesRequestNamespace(rest.ExpectedNamespaceForResource(namespace, gvr), accessor); err != nil {
		refuse(r, engineAPIServer, err, "creating")
		return nil
	}
	options := &metav1.CreateOptions{FieldValidation: metav1.FieldValidationStrict}
	attrs := admission.NewAttributesRecord(obj, nil, gvk, namespace, accessor.GetName(), gvr, "", admission.Create, options, false, admin)
	admit := &chain{c: c}
	defer func() { r.Warnings = append(append(r.Warnings, admit.warnings...), strategyWarnings(warnings)...) }()
	if err := admit.Admit(ctx, attrs, c.objects); err != nil {
		refuse(r, admit.refused, err, "creating")
		return nil
	}
	c.step = ""
	out, err := store.Create(ctx, obj, rest.AdmissionToValidateObjectFunc(admit, attrs, c.objects), options)
	if err != nil {
		refuse(r, c.engineOf(admit, err), err, "creating")
		return nil
	}
	r.Verdict, r.Engine = accepted, engineAPIServer
	if gvk.GroupKind() == (schema.GroupKind{Kind: "ResourceQuota"}) {
		c.quotaCreated(out)
	}
	if stored, err := meta.Accessor(out); err == nil {
		r.Name = stored.GetName()
		c.createdHere[c.key(store, stored.GetNamespace(), stored.GetName())] = true
	}
	return out
}

// engineOf names what refused a request that reached the store.
func (c *cluster) engineOf(admit *chain, err error) string {
	switch {
	case admit.refused != "":
		return admit.refused
	case c.step == "allocation":
		return engineAllocator
	case apierrors.IsAlreadyExists(err):
		return engineStorage
	}
	return engineAPIServer
}

func strategyWarnings(r *recorder) []engineText {
	out := make([]engineText, 0, len(r.texts))
	for _, text := range r.texts {
		out = append(out, engineText{engineAPIServer, text})
	}
	return out
}

// update is what `kubectl apply` does to an object that exists: a three-way strategic merge
// patch (the last-applied configuration, the new manifest, the live object) that the API
// server applies to the live object before its update path (mutating admission, the
// strategy's PrepareForUpdate and ValidateUpdate, Service reallocation, validating admission).
func (c *cluster) update(d *document, r *Result, gvk schema.GroupVersionKind, gvr schema.GroupVersionResource,
	store *genericregistry.Store, namespace string, existing runtime.Object) {
	r.Operation = "update"
	obj, unchanged, err := applyPatch(d.json, existing, gvk)
	if err != nil {
		refuse(r, engineAPIServer, err, "applying patch")
		return
	}
	if unchanged {
		r.Operation, r.Verdict, r.Engine = "unchanged", accepted, engineAPIServer
		r.Notes = append(r.Notes, "kubectl apply finds nothing to patch and sends no request")
		return
	}
	name := d.head.Metadata.Name
	warnings := &recorder{}
	ctx := requestContext(namespace, requestInfo("patch", gvr, namespace, name), warnings)
	options := &metav1.UpdateOptions{FieldValidation: metav1.FieldValidationStrict}
	admit := &chain{c: c}
	defer func() { r.Warnings = append(append(r.Warnings, admit.warnings...), strategyWarnings(warnings)...) }()
	attrs := admission.NewAttributesRecord(obj, existing, gvk, namespace, name, gvr, "", admission.Update, options, false, admin)
	mutate := func(ctx context.Context, newObj, oldObj runtime.Object) (runtime.Object, error) {
		return newObj, admit.Admit(ctx, admission.NewAttributesRecord(newObj, oldObj, gvk, namespace, name, gvr, "", admission.Update, options, false, admin), c.objects)
	}
	c.step = ""
	_, _, err = store.Update(ctx, name, rest.DefaultUpdatedObjectInfo(obj, mutate),
		rest.AdmissionToValidateObjectFunc(admit, attrs, c.objects),
		rest.AdmissionToValidateObjectUpdateFunc(admit, attrs, c.objects), false, options)
	if err != nil {
		refuse(r, c.engineOf(admit, err), err, "applying patch")
		return
	}
	r.Verdict, r.Engine = accepted, engineAPIServer
}

func toJSON(obj runtime.Object) []byte {
	data, err := json.Marshal(obj)
	if err != nil {
		panic(err)
	}
	return data
}
