// Command validation-engine judges Kubernetes manifests with kube-apiserver 1.28.15's own code,
// offline: for every built-in object, what `kubectl apply -f` meets on a fresh 1.28 cluster
// with the default admission plugins. See README.md next to this file.
//
// Usage:
//
//	validation-engine [--previous FILE|DIR]... [--service-cidr CIDR] [--node-port-range A-B] FILE|DIR...
//	validation-engine --request FILE   (a JSON request; "-" reads it from stdin)
//
// It prints one JSON document: {"engine":..., "runs":[{"results":[...], ...}]}. Exit status 0
// when nothing was refused, 1 when something was, 2 on a usage or input error.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // CronJob timeZone names, where the system has no zoneinfo (WebAssembly)

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	yamlutil "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/capabilities"
)

// EngineName is what the output says judged the objects.
const EngineName = "kube-apiserver 1.28.15 (k8s.io/kubernetes v1.28.15), offline"

// File is a manifest file of a request: its name (as findings should give it) and its text.
type File struct {
	Name string `json:"name"`
	Text string `json:"text"`
}

// Run is one independent judgement: the objects of Files applied, in order, to a fresh
// cluster holding the objects of Previous (as stored).
type Run struct {
	Name     string `json:"name,omitempty"`
	Files    []File `json:"files"`
	Previous []File `json:"previous,omitempty"`
}

// Request is the engine's input in --request mode: several runs share one process (the
// start-up, a few hundred milliseconds in WebAssembly, is paid once).
type Request struct {
	Options *Options `json:"options,omitempty"`
	Runs    []Run    `json:"runs"`
}

// RunResult is what the engine says about a run.
type RunResult struct {
	Name    string   `json:"name,omitempty"`
	Results []Result `json:"results"`
	// Errors are files that could not be parsed (kubectl stops there too).
	Errors []string `json:"errors,omitempty"`
	// Unknowable lists what the engine cannot know offline; the findings do not cover it.
	Unknowable []string `json:"unknowable"`
}

// Output is the engine's whole answer.
type Output struct {
	Engine  string      `json:"engine"`
	Options Options     `json:"options"`
	Runs    []RunResult `json:"runs"`
	Timings struct {
		JudgeMs float64 `json:"judgeMs"`
		Objects int     `json:"objects"`
	} `json:"timings"`
}

var unknowable = []string{
	"objects already in the cluster (only the built-in namespaces, the system PriorityClasses, the `kubernetes` Service and --previous are known)",
	"ResourceQuota usage (the ResourceQuota admission plugin is not run)",
	"webhooks, ValidatingAdmissionPolicies and admission configuration of the cluster",
	"cluster flags other than the service CIDR and node-port range (feature gates are the 1.28 defaults)",
	"RBAC: whether the caller may create the object, and the escalation check on Roles and bindings (the engine runs as cluster-admin)",
	"refusals by controllers beyond the first objects they create (one Pod per template, ordinal 0 of a StatefulSet)",
}

func main() {
	klog.SetLogger(logr.Discard()) // the allocators and plugins log to stderr
	if path := os.Getenv("VALIDATION_ENGINE_CPUPROFILE"); path != "" {
		stop := startProfile(path)
		code := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("validation-engine", flag.ContinueOnError)
	flags.SetOutput(stderr)
	opts := defaultOptions()
	var previous stringList
	var request string
	flags.Var(&previous, "previous", "a file or folder of objects as stored in the cluster; objects of the input found there are updates (repeatable)")
	flags.StringVar(&opts.ServiceCIDR, "service-cidr", opts.ServiceCIDR, "kube-apiserver --service-cluster-ip-range")
	flags.StringVar(&opts.NodePortRange, "node-port-range", opts.NodePortRange, "kube-apiserver --service-node-port-range")
	flags.BoolVar(opts.AllowPrivileged, "allow-privileged", *opts.AllowPrivileged, "kube-apiserver --allow-privileged")
	flags.StringVar(&request, "request", "", "read a JSON request from this file (- for stdin) instead of files")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	var req Request
	if request != "" {
		in := stdin
		if request != "-" {
			file, err := os.Open(request)
			if err != nil {
				fmt.Fprintln(stderr, "validation-engine: request:", err)
				return 2
			}
			defer file.Close()
			in = file
		}
		// One JSON value, not everything up to the end of the stream: the end of a pipe from
		// `k8s-practice validate` comes only when its Node runs its event loop again, that is
		// after our own rules, which it runs meanwhile.
		if err := json.NewDecoder(waitingReader{in}).Decode(&req); err != nil {
			fmt.Fprintln(stderr, "validation-engine: request:", err)
			return 2
		}
		if req.Options != nil {
			opts = mergeOptions(opts, *req.Options)
		}
	} else {
		if flags.NArg() == 0 {
			fmt.Fprintln(stderr, "usage: validation-engine [--previous FILE|DIR]... [--service-cidr CIDR] [--node-port-range A-B] FILE|DIR...")
			return 2
		}
		files, err := readPaths(flags.Args())
		if err == nil {
			var old []File
			old, err = readPaths(previous)
			req.Runs = []Run{{Files: files, Previous: old}}
		}
		if err != nil {
			fmt.Fprintln(stderr, "validation-engine:", err)
			return 2
		}
	}
	// Process-wide in kube-apiserver too (set once from its flags).
	capabilities.Setup(*opts.AllowPrivileged, 0)
	out := Output{Engine: EngineName, Options: opts}
	judging := time.Now()
	anyRefused := false
	for _, r := range req.Runs {
		result, err := judgeRun(r, opts)
		if err != nil {
			fmt.Fprintln(stderr, "validation-engine:", err)
			return 2
		}
		for _, res := range result.Results {
			out.Timings.Objects++
			anyRefused = anyRefused || res.Verdict == refused
			for _, l := range res.Later {
				anyRefused = anyRefused || l.Verdict == refused
			}
		}
		out.Runs = append(out.Runs, result)
	}
	out.Timings.JudgeMs = float64(time.Since(judging).Microseconds()) / 1000
	encoder := json.NewEncoder(stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintln(stderr, "validation-engine:", err)
		return 2
	}
	if anyRefused {
		return 1
	}
	return 0
}

// waitingReader waits whenever its stream has nothing yet: `k8s-practice validate` starts the
// engine before it has read the manifests and writes the request later, and under Node's WASI
// standard input is a non-blocking pipe (a read then fails with EAGAIN instead of waiting).
type waitingReader struct{ r io.Reader }

func (w waitingReader) Read(p []byte) (int, error) {
	for {
		n, err := w.r.Read(p)
		if !errors.Is(err, syscall.EAGAIN) {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
		time.Sleep(time.Millisecond)
	}
}

func mergeOptions(base, over Options) Options {
	if over.ServiceCIDR != "" {
		base.ServiceCIDR = over.ServiceCIDR
	}
	if over.NodePortRange != "" {
		base.NodePortRange = over.NodePortRange
	}
	if over.AllowPrivileged != nil {
		base.AllowPrivileged = over.AllowPrivileged
	}
	return base
}

// readPaths reads files, and the .yaml/.yml/.json files of folders (recursively, sorted, as
// `kubectl apply -f DIR` reads them).
func readPaths(paths []string) ([]File, error) {
	var files []File
	for _, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			files = append(files, File{path, string(data)})
			continue
		}
		var found []string
		err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			ext := strings.ToLower(filepath.Ext(p))
			if !d.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		for _, p := range found {
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			files = append(files, File{p, string(data)})
		}
	}
	return files, nil
}

// documents splits a file as kubectl's resource builder does (a YAML-or-JSON stream decoder;
// empty documents skipped; a v1 List flattened into its items).
func documents(file File) ([]*document, error) {
	decoder := yamlutil.NewYAMLOrJSONDecoder(bytes.NewReader([]byte(file.Text)), 4096)
	// A JSON stream keeps each document's bytes as written; a YAML one is converted to JSON by
	// the decoder (duplicate keys already merged there).
	isJSON := yamlutil.IsJSONBuffer([]byte(file.Text))
	var docs []*document
	for index := 0; ; index++ {
		var ext runtime.RawExtension
		if err := decoder.Decode(&ext); err != nil {
			if errors.Is(err, io.EOF) {
				return docs, nil
			}
			return docs, fmt.Errorf("error parsing %s: %v", file.Name, err)
		}
		raw := bytes.TrimSpace(ext.Raw)
		if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
			continue
		}
		d, err := newDocument(file.Name, index, raw, isJSON)
		if err != nil {
			return docs, err
		}
		if d.head.APIVersion == "v1" && d.head.Kind == "List" {
			var list struct {
				Items []json.RawMessage `json:"items"`
			}
			if err := json.Unmarshal(raw, &list); err != nil {
				return docs, fmt.Errorf("error parsing %s: %v", file.Name, err)
			}
			for _, item := range list.Items {
				d, err := newDocument(file.Name, index, item, true)
				if err != nil {
					return docs, err
				}
				docs = append(docs, d)
			}
			continue
		}
		docs = append(docs, d)
	}
}

// newDocument keeps the JSON kubectl sends: kubectl decodes each document into an unstructured
// object and encodes it again, so duplicate keys of JSON input are merged (the last wins) and
// never reach the API server. YAML input was converted by yaml.v2, which merged them already.
func newDocument(file string, index int, raw []byte, reencode bool) (*document, error) {
	body := raw
	if reencode {
		var object map[string]interface{}
		if err := json.Unmarshal(raw, &object); err != nil {
			return nil, fmt.Errorf("error parsing %s: %v", file, err)
		}
		var err error
		if body, err = json.Marshal(object); err != nil {
			return nil, err
		}
	}
	d := &document{file: file, index: index, json: body}
	_ = json.Unmarshal(body, &d.head) // a malformed head is the strict decoder's to report
	return d, nil
}

// judgeRun judges the files of a run in order, on a fresh cluster.
func judgeRun(r Run, opts Options) (RunResult, error) {
	out := RunResult{Name: r.Name, Results: []Result{}, Unknowable: unknowable}
	c, err := newCluster(opts)
	if err != nil {
		return out, err
	}
	parse := func(files []File) []*document {
		var docs []*document
		for _, f := range files {
			d, err := documents(f)
			if err != nil {
				out.Errors = append(out.Errors, err.Error())
			}
			docs = append(docs, d...)
		}
		return docs
	}
	previous, current := parse(r.Previous), parse(r.Files)
	for _, d := range append(append([]*document{}, previous...), current...) {
		if d.head.APIVersion == "v1" && d.head.Kind == "Namespace" {
			c.declared[d.head.Metadata.Name] = true
		}
		c.cacheDocument(d)
	}
	for _, d := range previous {
		if note := c.preloadDocument(d); note != "" {
			out.Errors = append(out.Errors, note)
		}
	}
	for _, d := range current {
		out.Results = append(out.Results, c.judge(d))
	}
	return out, nil
}

// cacheDocument adds the objects admission plugins look up (Namespaces, ServiceAccounts,
// LimitRanges, PriorityClasses) to their informer caches, as the informers of
// a cluster holding the input would have them.
func (c *cluster) cacheDocument(d *document) {
	var obj runtime.Object
	switch d.head.APIVersion + "/" + d.head.Kind {
	case "v1/Namespace":
		obj = &corev1.Namespace{}
	case "v1/ServiceAccount":
		obj = &corev1.ServiceAccount{}
	case "v1/LimitRange":
		obj = &corev1.LimitRange{}
	case "scheduling.k8s.io/v1/PriorityClass":
		obj = &schedulingv1.PriorityClass{}
	default:
		return
	}
	if json.Unmarshal(d.json, obj) != nil {
		return
	}
	legacyscheme.Scheme.Default(obj)
	if accessor, err := metaAccessor(obj); err == nil && d.head.Kind != "Namespace" && d.head.Kind != "PriorityClass" && accessor.GetNamespace() == "" {
		accessor.SetNamespace("default")
	}
	if ns, ok := obj.(*corev1.Namespace); ok {
		// The namespace controller's label, set on create since 1.22.
		if ns.Labels == nil {
			ns.Labels = map[string]string{}
		}
		ns.Labels[corev1.LabelMetadataName] = ns.Name
	}
	c.cache(obj)
}

// preloadDocument stores an object of --previous as the cluster holds it.
func (c *cluster) preloadDocument(d *document) string {
	gv, err := schema.ParseGroupVersion(d.head.APIVersion)
	if err != nil {
		return fmt.Sprintf("%s: previous object %s/%s: %v", d.file, d.head.Kind, d.head.Metadata.Name, err)
	}
	gvk := gv.WithKind(d.head.Kind)
	if _, known := kinds[gvk.GroupKind()]; !known || !legacyscheme.Scheme.Recognizes(gvk) {
		return ""
	}
	obj, err := decode(d.json, gvk, false)
	if err != nil {
		return fmt.Sprintf("%s: previous object %s/%s: %v", d.file, d.head.Kind, d.head.Metadata.Name, err)
	}
	accessor, _ := metaAccessor(obj)
	if k := kinds[gvk.GroupKind()]; isNamespaced(gvk.GroupKind(), k) && accessor.GetNamespace() == "" {
		accessor.SetNamespace("default")
	}
	// A previous object without kubectl's last-applied annotation (a manifest, such as the dist/
	// applied last time, rather than what `kubectl get -o yaml` prints) was applied from that
	// very manifest: it is the original of the next apply's three-way patch, so fields it has
	// and the new manifest lacks are removed, as kubectl removes them.
	if annotations := accessor.GetAnnotations(); annotations[lastApplied] == "" {
		if annotations == nil {
			annotations = map[string]string{}
		}
		if _, annotation, err := lastAppliedOf(d.json); err == nil {
			annotations[lastApplied] = annotation
			accessor.SetAnnotations(annotations)
		}
	}
	// Stored as the cluster stored it: through the create path (the strategy's PrepareForCreate,
	// admission's changes such as the service account token volume, a Job's generated selector);
	// an object that path refuses is kept as given.
	k := kinds[gvk.GroupKind()]
	store, err := c.store(gvk.GroupKind())
	if err != nil {
		return fmt.Sprintf("%s: previous object %s/%s: %v", d.file, d.head.Kind, d.head.Metadata.Name, err)
	}
	if namespace := accessor.GetNamespace(); namespace != "" {
		if !c.declared[namespace] {
			c.ensureNamespace(namespace)
		}
		c.ensureDefaultServiceAccount(namespace)
	}
	if c.create(&Result{}, obj.DeepCopyObject(), gvk, gvk.GroupVersion().WithResource(k.resource), store, accessor.GetNamespace()) != nil {
		delete(c.createdHere, c.key(store, accessor.GetNamespace(), accessor.GetName()))
		return ""
	}
	if err := c.storeExisting(gvk.GroupKind(), obj); err != nil {
		return fmt.Sprintf("%s: previous object %s/%s: %v", d.file, d.head.Kind, d.head.Metadata.Name, err)
	}
	return ""
}
