package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/mergepatch"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	kjson "sigs.k8s.io/json"
)

// lastApplied is the annotation kubectl apply keeps the previous manifest in.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// applyPatch is `kubectl apply` on an object that exists, then the API server's patch handler.
//
// kubectl: the manifest with its own last-applied annotation added (k8s.io/kubectl's
// GetModifiedConfiguration: the manifest without the annotation, encoded as JSON, becomes the
// annotation), and the three-way strategic merge patch of k8s.io/apimachinery's strategicpatch
// between the live object's last-applied annotation (the original), that manifest and the live
// object. unchanged: the patch is empty, so kubectl sends nothing.
//
// The server (k8s.io/apiserver's endpoints/handlers/patch.go, whose functions are not
// exported: these are the same calls in the same order): the patch read strictly, merged into
// the live object's map, the map converted to the versioned type (an unknown field or a value
// of the wrong type is an Invalid error on `patch`, showing the patch), then defaulted. The
// internal object that returns goes to the update path.
func applyPatch(manifest []byte, live runtime.Object, gvk schema.GroupVersionKind) (updated runtime.Object, unchanged bool, err error) {
	schemaObject, err := legacyscheme.Scheme.New(gvk)
	if err != nil {
		return nil, false, err
	}
	liveVersioned := toVersioned(live, gvk.GroupVersion())
	current := toJSON(liveVersioned)
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
	modified, err := withLastApplied(manifest)
	if err != nil {
		return nil, false, err
	}
	patchMeta, err := strategicpatch.NewPatchMetaFromStruct(schemaObject)
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
	return serverPatch(liveVersioned, patch, gvk, schemaObject)
}

// withLastApplied is the manifest as kubectl apply sends it: with the annotation holding the
// manifest itself (lastAppliedOf).
func withLastApplied(manifest []byte) ([]byte, error) {
	object, annotation, err := lastAppliedOf(manifest)
	if err != nil {
		return nil, err
	}
	object["metadata"].(map[string]interface{})["annotations"].(map[string]interface{})[lastApplied] = annotation
	return encodeLikeKubectl(object)
}

// lastAppliedOf is the annotation kubectl apply gives a manifest (its annotations emptied of an
// older one, encoded as kubectl's unstructured JSON encoder does: sorted keys, a final newline),
// and the manifest as a map, ready to hold it.
func lastAppliedOf(manifest []byte) (map[string]interface{}, string, error) {
	var object map[string]interface{}
	if err := json.Unmarshal(manifest, &object); err != nil {
		return nil, "", err
	}
	metadata, _ := object["metadata"].(map[string]interface{})
	if metadata == nil {
		metadata = map[string]interface{}{}
		object["metadata"] = metadata
	}
	annotations, _ := metadata["annotations"].(map[string]interface{})
	if annotations == nil {
		annotations = map[string]interface{}{}
	}
	delete(annotations, lastApplied)
	metadata["annotations"] = annotations
	encoded, err := encodeLikeKubectl(object)
	return object, string(encoded), err
}

func encodeLikeKubectl(object map[string]interface{}) ([]byte, error) {
	var out bytes.Buffer
	err := json.NewEncoder(&out).Encode(object)
	return out.Bytes(), err
}

// serverPatch applies a strategic merge patch to the live (versioned) object as the API
// server's patch handler does, and returns the internal object to update.
func serverPatch(liveVersioned runtime.Object, patch []byte, gvk schema.GroupVersionKind, schemaObject runtime.Object) (runtime.Object, bool, error) {
	originalMap, err := runtime.DefaultUnstructuredConverter.ToUnstructured(liveVersioned)
	if err != nil {
		return nil, false, err
	}
	patchMap := map[string]interface{}{}
	strictErrs, err := kjson.UnmarshalStrict(patch, &patchMap)
	if err != nil {
		return nil, false, apierrors.NewBadRequest(err.Error())
	}
	patchedMap, err := strategicpatch.StrategicMergeMapPatch(originalMap, patchMap, schemaObject)
	if err != nil {
		return nil, false, patchMergeError(err)
	}
	invalidPatch := func(message string) error {
		return apierrors.NewInvalid(schema.GroupKind{}, "", field.ErrorList{
			field.Invalid(field.NewPath("patch"), fmt.Sprintf("%+v", patchMap), message),
		})
	}
	objToUpdate, err := legacyscheme.Scheme.New(gvk)
	if err != nil {
		return nil, false, err
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(patchedMap, objToUpdate, true); err != nil {
		strictError, isStrict := runtime.AsStrictDecodingError(err)
		if !isStrict {
			return nil, false, invalidPatch(err.Error())
		}
		return nil, false, invalidPatch(runtime.NewStrictDecodingError(append(strictErrs, strictError.Errors()...)).Error())
	} else if len(strictErrs) > 0 {
		return nil, false, invalidPatch(runtime.NewStrictDecodingError(strictErrs).Error())
	}
	legacyscheme.Scheme.Default(objToUpdate)
	internal, err := legacyscheme.Scheme.ConvertToVersion(objToUpdate, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
	return internal, false, err
}

// patchMergeError is the status the patch handler gives a merge that fails
// (interpretStrategicMergePatchError).
func patchMergeError(err error) error {
	switch err {
	case mergepatch.ErrBadJSONDoc, mergepatch.ErrBadPatchFormatForPrimitiveList, mergepatch.ErrBadPatchFormatForRetainKeys,
		mergepatch.ErrBadPatchFormatForSetElementOrderList, mergepatch.ErrUnsupportedStrategicMergePatchFormat:
		return apierrors.NewBadRequest(err.Error())
	case mergepatch.ErrNoListOfLists, mergepatch.ErrPatchContentNotMatchRetainKeys:
		return apierrors.NewGenericServerResponse(422, "", schema.GroupResource{}, "", err.Error(), 0, false)
	}
	return err
}
