// Command tekton-admission does, in process, what the admission webhooks of Tekton Pipelines
// v1.15.0 and Tekton Triggers v0.37.0 do to every object they receive: decode it strictly
// (unknown fields are errors), apply the defaults, then validate it as a create. Those webhooks
// are reached through a Service, which a cluster without kube-proxy cannot route to, so the
// cluster tests (and `k8s-practice validate --with-engines`) run this instead.
//
// Usage: tekton-admission FILE.yaml...
// Prints one JSON object per line for each Tekton object: {"file","document","apiVersion",
// "kind","name","errors":[...]}. Other objects are skipped. Exit status 1 when any object has
// an error, 2 when a file cannot be read or parsed.
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

// newObject returns an empty object of a kind the webhooks admit, or nil.
func newObject(apiVersion, kind string) admissible {
	switch apiVersion + "/" + kind {
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

// admit decodes, defaults and validates one object as the webhooks do on create.
func admit(raw []byte, obj admissible) []string {
	if err := knativejson.Decode(raw, obj, true); err != nil {
		return []string{err.Error()}
	}
	ctx := pipelineconfig.ToContext(context.Background(), pipelineconfig.FromContextOrDefaults(context.Background()))
	ctx = apis.WithinCreate(ctx)
	obj.SetDefaults(ctx)
	if errs := obj.Validate(ctx).Filter(apis.ErrorLevel); errs != nil {
		return []string{errs.Error()}
	}
	return []string{}
}

func checkFile(path string, out *json.Encoder) (failed bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	reader := yamlutil.NewYAMLReader(bufioReader(data))
	for document := 0; ; document++ {
		doc, err := reader.Read()
		if err == io.EOF {
			return failed, nil
		}
		if err != nil {
			return failed, fmt.Errorf("%s: document %d: %w", path, document, err)
		}
		raw, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return failed, fmt.Errorf("%s: document %d: %w", path, document, err)
		}
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
			Metadata   struct {
				Name string `json:"name"`
			} `json:"metadata"`
		}
		if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" || json.Unmarshal(raw, &head) != nil {
			continue
		}
		obj := newObject(head.APIVersion, head.Kind)
		if obj == nil {
			continue
		}
		errs := admit(raw, obj)
		failed = failed || len(errs) > 0
		if err := out.Encode(result{path, document, head.APIVersion, head.Kind, head.Metadata.Name, errs}); err != nil {
			return failed, err
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tekton-admission FILE.yaml...")
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
