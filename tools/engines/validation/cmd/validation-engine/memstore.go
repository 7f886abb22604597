package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/registry/generic"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/storage/storagebackend/factory"
	"k8s.io/client-go/tools/cache"
)

// memory is the key-value store of one run: what etcd holds for the API server. Every
// resource's storage shares it (keys carry the resource prefix, as in etcd), so a second
// object with the same key is refused as "already exists", as on a real server.
type memory struct {
	objects map[string]runtime.Object
	version uint64
}

func newMemory() *memory { return &memory{objects: map[string]runtime.Object{}} }

// restOptions hands the generic registry a storage backed by memory instead of etcd. The
// registry code (genericregistry.Store: Create, Update, their hooks and strategies) is the
// API server's own; only the last step, writing to etcd, lands here.
type restOptions struct{ mem *memory }

func (o restOptions) GetRESTOptions(resource schema.GroupResource) (generic.RESTOptions, error) {
	prefix := resource.Resource
	if resource.Group != "" {
		prefix = resource.Group + "/" + resource.Resource
	}
	return generic.RESTOptions{
		StorageConfig: &storagebackend.ConfigForResource{GroupResource: resource},
		Decorator: func(_ *storagebackend.ConfigForResource, _ string, _ func(runtime.Object) (string, error),
			newFunc func() runtime.Object, _ func() runtime.Object, _ storage.AttrFunc, _ storage.IndexerFuncs,
			_ *cache.Indexers) (storage.Interface, factory.DestroyFunc, error) {
			return &memStorage{mem: o.mem, newFunc: newFunc}, func() {}, nil
		},
		ResourcePrefix: prefix,
	}, nil
}

// memStorage implements the part of storage.Interface that create and update use.
type memStorage struct {
	mem     *memory
	newFunc func() runtime.Object
}

var versioner = storage.APIObjectVersioner{}

var _ storage.Interface = &memStorage{}

func copyInto(out, in runtime.Object) {
	reflect.ValueOf(out).Elem().Set(reflect.ValueOf(in.DeepCopyObject()).Elem())
}

func (s *memStorage) Versioner() storage.Versioner { return versioner }

func (s *memStorage) Create(_ context.Context, key string, obj, out runtime.Object, _ uint64) error {
	if version, err := versioner.ObjectResourceVersion(obj); err == nil && version != 0 {
		// What the etcd3 store answers.
		return errors.New("resourceVersion should not be set on objects to be created")
	}
	if _, exists := s.mem.objects[key]; exists {
		return storage.NewKeyExistsError(key, 0)
	}
	return s.put(key, obj, out)
}

func (s *memStorage) put(key string, obj, out runtime.Object) error {
	s.mem.version++
	stored := obj.DeepCopyObject()
	if err := versioner.UpdateObject(stored, s.mem.version); err != nil {
		return err
	}
	s.mem.objects[key] = stored
	if out != nil {
		copyInto(out, stored)
	}
	return nil
}

func (s *memStorage) Get(_ context.Context, key string, opts storage.GetOptions, out runtime.Object) error {
	stored, ok := s.mem.objects[key]
	if !ok {
		if opts.IgnoreNotFound {
			copyInto(out, s.newFunc())
			return nil
		}
		return storage.NewKeyNotFoundError(key, 0)
	}
	copyInto(out, stored)
	return nil
}

func (s *memStorage) GuaranteedUpdate(_ context.Context, key string, destination runtime.Object, ignoreNotFound bool,
	preconditions *storage.Preconditions, tryUpdate storage.UpdateFunc, _ runtime.Object) error {
	var current runtime.Object
	if stored, ok := s.mem.objects[key]; ok {
		current = stored.DeepCopyObject()
	} else if ignoreNotFound {
		current = s.newFunc()
	} else {
		return storage.NewKeyNotFoundError(key, 0)
	}
	if preconditions != nil {
		if err := preconditions.Check(key, current); err != nil {
			return err
		}
	}
	updated, _, err := tryUpdate(current, storage.ResponseMeta{ResourceVersion: s.mem.version})
	if err != nil {
		return err
	}
	return s.put(key, updated, destination)
}

func (s *memStorage) Delete(context.Context, string, runtime.Object, *storage.Preconditions, storage.ValidateObjectFunc, runtime.Object) error {
	return fmt.Errorf("delete is not supported offline")
}

func (s *memStorage) Watch(context.Context, string, storage.ListOptions) (watch.Interface, error) {
	return nil, fmt.Errorf("watch is not supported offline")
}

func (s *memStorage) GetList(context.Context, string, storage.ListOptions, runtime.Object) error {
	return fmt.Errorf("list is not supported offline")
}

func (s *memStorage) Count(string) (int64, error) { return int64(len(s.mem.objects)), nil }

func (s *memStorage) RequestWatchProgress(context.Context) error { return nil }
