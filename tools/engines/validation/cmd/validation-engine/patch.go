package main

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
)

// lastApplied is the annotation kubectl apply keeps the previous manifest in.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// applyPatch computes what `kubectl apply` sends for an object that exists (the three-way
// strategic merge patch of k8s.io/apimachinery's strategicpatch, with the last-applied
// annotation of the live object as the original, as kubectl's patcher does for built-in
// kinds) and applies it to the live object as the API server does. unchanged: the patch is
// empty, so kubectl sends nothing.
func applyPatch(modified []byte, live runtime.Object, gvk schema.GroupVersionKind) (patched []byte, unchanged bool, err error) {
	versioned, err := legacyscheme.Scheme.New(gvk)
	if err != nil {
		return nil, false, err
	}
	current := toJSON(toVersioned(live, gvk.GroupVersion()))
	var original []byte
	var head struct {
		Metadata struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"metadata"`
	}
	if json.Unmarshal(current, &head) == nil {
		if text, ok := head.Metadata.Annotations[lastApplied]; ok {
			original = []byte(text)
		}
	}
	patchMeta, err := strategicpatch.NewPatchMetaFromStruct(versioned)
	if err != nil {
		return nil, false, err
	}
	patch, err := strategicpatch.CreateThreeWayMergePatch(original, modified, current, patchMeta, true)
	if err != nil {
		return nil, false, err
	}
	if string(patch) == "{}" {
		return nil, true, nil
	}
	patched, err = strategicpatch.StrategicMergePatch(current, patch, versioned)
	return patched, false, err
}
