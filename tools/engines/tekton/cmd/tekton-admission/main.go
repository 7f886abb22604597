// Command tekton-admission does, in process, what the admission webhooks of Tekton Pipelines
// v1.15.0 and Tekton Triggers v0.37.0 do to every object they receive: decode it strictly
// (unknown fields are errors), apply the defaults, then validate it as a create. Those webhooks
// are reached through a Service, which a cluster without kube-proxy cannot route to, so the
// cluster tests (and `k8s-practice validate --with-engines`) run this instead.
//
// Usage:
//
//	tekton-admission FILE.yaml...
//	tekton-admission --request FILE|-
//
// With files, it prints one JSON object per line for each Tekton object: {"file","document",
// "apiVersion","kind","name","errors":[...]}. Other objects are skipped.
//
// With --request (what `k8s-practice validate` sends, "-" for stdin: the shape of the validation
// engine's request, {"runs": [{"files": [{"name", "text"}]}]}; other fields are ignored), it
// prints one JSON document: {"engine", "runs": [{"results": [...]}], "timings"}, each result with
// the object's namespace, its verdict and each error's message, paths and details as Tekton's
// FieldError holds them (request.go). Tekton objects only; nothing else is read or written, so
// the same program also runs as WebAssembly (GOOS=wasip1) under Node's WASI.
//
// Exit status 1 when any object has an error, 2 when a file or the request cannot be read or
// parsed.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	pipelineconfig "github.com/tektoncd/pipeline/pkg/apis/config"
	pipelinev1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1"
	pipelinev1alpha1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1alpha1"
	pipelinev1beta1 "github.com/tektoncd/pipeline/pkg/apis/pipeline/v1beta1"
	triggersv1alpha1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1alpha1"
	triggersv1beta1 "github.com/tektoncd/triggers/pkg/apis/triggers/v1beta1"
	yamlutil "k8s.io/apimachinery/pkg/util/yaml"
	"knative.dev/pkg/apis"
	knativejson "knative.dev/pkg/webhook/json"
	"sigs.k8s.io/yaml"
)

// admissible is what both webhooks call on an object: defaulting, then validation.
type admissible interface {
	apis.Defaultable
	apis.Validatable
}

// newObject returns an empty object of a kind the webhooks admit, or nil: the kinds and versions
// of the Pipelines and Triggers webhooks' own type maps (cmd/webhook/main.go of each release),
// but for ResolutionRequest (resolution.tekton.dev), which Tekton's controller makes, not a
// manifest: its package pulls in Tekton's whole clientset and every k8s.io/api group, a third
// more WebAssembly (69 -> 95 MB).
func newObject(apiVersion, kind string) admissible {
	switch apiVersion + "/" + kind {
	case "tekton.dev/v1alpha1/VerificationPolicy":
		return &pipelinev1alpha1.VerificationPolicy{}
	case "tekton.dev/v1alpha1/StepAction":
		return &pipelinev1alpha1.StepAction{}
	case "tekton.dev/v1beta1/CustomRun":
		return &pipelinev1beta1.CustomRun{}
	case "tekton.dev/v1beta1/StepAction":
		return &pipelinev1beta1.StepAction{}
	case "triggers.tekton.dev/v1alpha1/EventListener":
		return &triggersv1alpha1.EventListener{}
	case "triggers.tekton.dev/v1alpha1/Trigger":
		return &triggersv1alpha1.Trigger{}
	case "triggers.tekton.dev/v1alpha1/TriggerBinding":
		return &triggersv1alpha1.TriggerBinding{}
	case "triggers.tekton.dev/v1alpha1/ClusterTriggerBinding":
		return &triggersv1alpha1.ClusterTriggerBinding{}
	case "triggers.tekton.dev/v1alpha1/TriggerTemplate":
		return &triggersv1alpha1.TriggerTemplate{}
	case "tekton.dev/v1/Task":
		return &pipelinev1.Task{}
	case "tekton.dev/v1/Pipeline":
		return &pipelinev1.Pipeline{}
	case "tekton.dev/v1/TaskRun":
		return &pipelinev1.TaskRun{}
	case "tekton.dev/v1/PipelineRun":
		return &pipelinev1.PipelineRun{}
	case "tekton.dev/v1beta1/Task":
		return &pipelinev1beta1.Task{}
	case "tekton.dev/v1beta1/Pipeline":
		return &pipelinev1beta1.Pipeline{}
	case "tekton.dev/v1beta1/TaskRun":
		return &pipelinev1beta1.TaskRun{}
	case "tekton.dev/v1beta1/PipelineRun":
		return &pipelinev1beta1.PipelineRun{}
	case "triggers.tekton.dev/v1beta1/EventListener":
		return &triggersv1beta1.EventListener{}
	case "triggers.tekton.dev/v1beta1/Trigger":
		return &triggersv1beta1.Trigger{}
	case "triggers.tekton.dev/v1beta1/TriggerBinding":
		return &triggersv1beta1.TriggerBinding{}
	case "triggers.tekton.dev/v1beta1/ClusterTriggerBinding":
		return &triggersv1beta1.ClusterTriggerBinding{}
	case "triggers.tekton.dev/v1beta1/TriggerTemplate":
		return &triggersv1beta1.TriggerTemplate{}
	case "triggers.tekton.dev/v1alpha1/Interceptor":
		return &triggersv1alpha1.Interceptor{}
	case "triggers.tekton.dev/v1alpha1/ClusterInterceptor":
		return &triggersv1alpha1.ClusterInterceptor{}
	}
	return nil
}

type result struct {
	File       string   `json:"file"`
	Document   int      `json:"document"`
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Name       string   `json:"name"`
	Errors     []string `json:"errors"`
}

// admit decodes, defaults and validates one object as the webhooks do on create. A decoding
// error is returned as err; the validation's errors (error level only) as a FieldError.
func admit(raw []byte, obj admissible) (decodeErr error, invalid *apis.FieldError) {
	if err := knativejson.Decode(raw, obj, true); err != nil {
		return err, nil
	}
	ctx := pipelineconfig.ToContext(context.Background(), pipelineconfig.FromContextOrDefaults(context.Background()))
	ctx = apis.WithinCreate(ctx)
	obj.SetDefaults(ctx)
	return nil, obj.Validate(ctx).Filter(apis.ErrorLevel)
}

// admitted is one Tekton object of a file, judged.
type admitted struct {
	document   int
	apiVersion string
	kind       string
	namespace  string
	name       string
	decodeErr  error
	invalid    *apis.FieldError
}

// texts is the errors as the webhooks word them (FieldError.Error(): one line per cause).
func (a admitted) texts() []string {
	switch {
	case a.decodeErr != nil:
		return []string{a.decodeErr.Error()}
	case a.invalid != nil:
		return []string{a.invalid.Error()}
	}
	return []string{}
}

// admitText judges every Tekton object of one YAML-or-JSON stream; other objects are skipped.
func admitText(name string, data []byte) ([]admitted, error) {
	var out []admitted
	reader := yamlutil.NewYAMLReader(bufioReader(data))
	for document := 0; ; document++ {
		doc, err := reader.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("%s: document %d: %w", name, document, err)
		}
		raw, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return out, fmt.Errorf("%s: document %d: %w", name, document, err)
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
		}
		if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" || json.Unmarshal(raw, &head) != nil {
			continue
		}
		obj := newObject(head.APIVersion, head.Kind)
		if obj == nil {
			continue
		}
		decodeErr, invalid := admit(raw, obj)
		out = append(out, admitted{document, head.APIVersion, head.Kind, head.Metadata.Namespace, head.Metadata.Name, decodeErr, invalid})
	}
}

func checkFile(path string, out *json.Encoder) (failed bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	objects, err := admitText(path, data)
	for _, a := range objects {
		errs := a.texts()
		failed = failed || len(errs) > 0
		if err := out.Encode(result{path, a.document, a.apiVersion, a.kind, a.name, errs}); err != nil {
			return failed, err
		}
	}
	return failed, err
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "--request" {
		os.Exit(runRequest(os.Args[2], os.Stdin, os.Stdout, os.Stderr))
	}
	if len(os.Args) < 2 || os.Args[1] == "--request" {
		fmt.Fprintln(os.Stderr, "usage: tekton-admission FILE.yaml... | tekton-admission --request FILE|-")
		os.Exit(2)
	}
	out := json.NewEncoder(os.Stdout)
	failed := false
	for _, path := range os.Args[1:] {
		f, err := checkFile(path, out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tekton-admission:", err)
			os.Exit(2)
		}
		failed = failed || f
	}
	if failed {
		os.Exit(1)
	}
}

func bufioReader(data []byte) *bufio.Reader { return bufio.NewReader(bytes.NewReader(data)) }
