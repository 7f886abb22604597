package main

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/rest"

	"k8s.io/kubernetes/pkg/apis/apps"
	"k8s.io/kubernetes/pkg/apis/autoscaling"
	"k8s.io/kubernetes/pkg/apis/batch"
	"k8s.io/kubernetes/pkg/apis/coordination"
	api "k8s.io/kubernetes/pkg/apis/core"
	"k8s.io/kubernetes/pkg/apis/discovery"
	"k8s.io/kubernetes/pkg/apis/networking"
	nodeapi "k8s.io/kubernetes/pkg/apis/node"
	"k8s.io/kubernetes/pkg/apis/policy"
	"k8s.io/kubernetes/pkg/apis/rbac"
	"k8s.io/kubernetes/pkg/apis/scheduling"
	storageapi "k8s.io/kubernetes/pkg/apis/storage"

	// The API groups the engine judges: each registers its versions, defaults and conversions
	// in legacyscheme.Scheme, as kube-apiserver's own imports do.
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/autoscaling/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/coordination/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/discovery/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/node/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
	_ "k8s.io/kubernetes/pkg/apis/rbac/install"
	_ "k8s.io/kubernetes/pkg/apis/scheduling/install"
	_ "k8s.io/kubernetes/pkg/apis/storage/install"

	"k8s.io/kubernetes/pkg/registry/apps/controllerrevision"
	"k8s.io/kubernetes/pkg/registry/apps/daemonset"
	"k8s.io/kubernetes/pkg/registry/apps/deployment"
	"k8s.io/kubernetes/pkg/registry/apps/replicaset"
	"k8s.io/kubernetes/pkg/registry/apps/statefulset"
	"k8s.io/kubernetes/pkg/registry/autoscaling/horizontalpodautoscaler"
	"k8s.io/kubernetes/pkg/registry/batch/cronjob"
	"k8s.io/kubernetes/pkg/registry/batch/job"
	"k8s.io/kubernetes/pkg/registry/coordination/lease"
	"k8s.io/kubernetes/pkg/registry/core/configmap"
	"k8s.io/kubernetes/pkg/registry/core/endpoint"
	"k8s.io/kubernetes/pkg/registry/core/limitrange"
	"k8s.io/kubernetes/pkg/registry/core/namespace"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolume"
	"k8s.io/kubernetes/pkg/registry/core/persistentvolumeclaim"
	"k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/pkg/registry/core/podtemplate"
	"k8s.io/kubernetes/pkg/registry/core/replicationcontroller"
	"k8s.io/kubernetes/pkg/registry/core/resourcequota"
	"k8s.io/kubernetes/pkg/registry/core/secret"
	"k8s.io/kubernetes/pkg/registry/core/serviceaccount"
	"k8s.io/kubernetes/pkg/registry/discovery/endpointslice"
	"k8s.io/kubernetes/pkg/registry/networking/ingress"
	"k8s.io/kubernetes/pkg/registry/networking/ingressclass"
	"k8s.io/kubernetes/pkg/registry/networking/networkpolicy"
	"k8s.io/kubernetes/pkg/registry/node/runtimeclass"
	"k8s.io/kubernetes/pkg/registry/policy/poddisruptionbudget"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrole"
	"k8s.io/kubernetes/pkg/registry/rbac/clusterrolebinding"
	"k8s.io/kubernetes/pkg/registry/rbac/role"
	"k8s.io/kubernetes/pkg/registry/rbac/rolebinding"
	"k8s.io/kubernetes/pkg/registry/scheduling/priorityclass"
	"k8s.io/kubernetes/pkg/registry/storage/csidriver"
	"k8s.io/kubernetes/pkg/registry/storage/storageclass"
)

// strategy is what a registry strategy provides for create, update and delete.
type strategy interface {
	rest.RESTCreateStrategy
	rest.RESTUpdateStrategy
	rest.RESTDeleteStrategy
}

// kind is one resource the engine judges: the registry's strategy and the internal type.
type kind struct {
	resource, singular string
	newFunc            func() runtime.Object
	newListFunc        func() runtime.Object
	strategy           strategy // nil for Services: their REST (with allocation) is built apart
}

// kinds maps an internal group and kind to its resource, as kube-apiserver 1.28 registers it
// (pkg/registry/<group>/<resource>/storage). Kinds of served groups that are not listed here
// (Events, Nodes, CSINodes...) are reported as not judged.
var kinds = map[schema.GroupKind]kind{
	{Group: "", Kind: "Pod"}:                   {"pods", "pod", func() runtime.Object { return &api.Pod{} }, func() runtime.Object { return &api.PodList{} }, pod.Strategy},
	{Group: "", Kind: "Service"}:               {"services", "service", func() runtime.Object { return &api.Service{} }, func() runtime.Object { return &api.ServiceList{} }, nil},
	{Group: "", Kind: "ConfigMap"}:             {"configmaps", "configmap", func() runtime.Object { return &api.ConfigMap{} }, func() runtime.Object { return &api.ConfigMapList{} }, configmap.Strategy},
	{Group: "", Kind: "Secret"}:                {"secrets", "secret", func() runtime.Object { return &api.Secret{} }, func() runtime.Object { return &api.SecretList{} }, secret.Strategy},
	{Group: "", Kind: "ServiceAccount"}:        {"serviceaccounts", "serviceaccount", func() runtime.Object { return &api.ServiceAccount{} }, func() runtime.Object { return &api.ServiceAccountList{} }, serviceaccount.Strategy},
	{Group: "", Kind: "Namespace"}:             {"namespaces", "namespace", func() runtime.Object { return &api.Namespace{} }, func() runtime.Object { return &api.NamespaceList{} }, namespace.Strategy},
	{Group: "", Kind: "Endpoints"}:             {"endpoints", "endpoints", func() runtime.Object { return &api.Endpoints{} }, func() runtime.Object { return &api.EndpointsList{} }, endpoint.Strategy},
	{Group: "", Kind: "LimitRange"}:            {"limitranges", "limitrange", func() runtime.Object { return &api.LimitRange{} }, func() runtime.Object { return &api.LimitRangeList{} }, limitrange.Strategy},
	{Group: "", Kind: "ResourceQuota"}:         {"resourcequotas", "resourcequota", func() runtime.Object { return &api.ResourceQuota{} }, func() runtime.Object { return &api.ResourceQuotaList{} }, resourcequota.Strategy},
	{Group: "", Kind: "PersistentVolumeClaim"}: {"persistentvolumeclaims", "persistentvolumeclaim", func() runtime.Object { return &api.PersistentVolumeClaim{} }, func() runtime.Object { return &api.PersistentVolumeClaimList{} }, persistentvolumeclaim.Strategy},
	{Group: "", Kind: "PersistentVolume"}:      {"persistentvolumes", "persistentvolume", func() runtime.Object { return &api.PersistentVolume{} }, func() runtime.Object { return &api.PersistentVolumeList{} }, persistentvolume.Strategy},
	{Group: "", Kind: "ReplicationController"}: {"replicationcontrollers", "replicationcontroller", func() runtime.Object { return &api.ReplicationController{} }, func() runtime.Object { return &api.ReplicationControllerList{} }, replicationcontroller.Strategy},
	{Group: "", Kind: "PodTemplate"}:           {"podtemplates", "podtemplate", func() runtime.Object { return &api.PodTemplate{} }, func() runtime.Object { return &api.PodTemplateList{} }, podtemplate.Strategy},

	{Group: "apps", Kind: "Deployment"}:         {"deployments", "deployment", func() runtime.Object { return &apps.Deployment{} }, func() runtime.Object { return &apps.DeploymentList{} }, deployment.Strategy},
	{Group: "apps", Kind: "StatefulSet"}:        {"statefulsets", "statefulset", func() runtime.Object { return &apps.StatefulSet{} }, func() runtime.Object { return &apps.StatefulSetList{} }, statefulset.Strategy},
	{Group: "apps", Kind: "DaemonSet"}:          {"daemonsets", "daemonset", func() runtime.Object { return &apps.DaemonSet{} }, func() runtime.Object { return &apps.DaemonSetList{} }, daemonset.Strategy},
	{Group: "apps", Kind: "ReplicaSet"}:         {"replicasets", "replicaset", func() runtime.Object { return &apps.ReplicaSet{} }, func() runtime.Object { return &apps.ReplicaSetList{} }, replicaset.Strategy},
	{Group: "apps", Kind: "ControllerRevision"}: {"controllerrevisions", "controllerrevision", func() runtime.Object { return &apps.ControllerRevision{} }, func() runtime.Object { return &apps.ControllerRevisionList{} }, controllerrevision.Strategy},

	{Group: "batch", Kind: "Job"}:     {"jobs", "job", func() runtime.Object { return &batch.Job{} }, func() runtime.Object { return &batch.JobList{} }, job.Strategy},
	{Group: "batch", Kind: "CronJob"}: {"cronjobs", "cronjob", func() runtime.Object { return &batch.CronJob{} }, func() runtime.Object { return &batch.CronJobList{} }, cronjob.Strategy},

	{Group: "autoscaling", Kind: "HorizontalPodAutoscaler"}: {"horizontalpodautoscalers", "horizontalpodautoscaler", func() runtime.Object { return &autoscaling.HorizontalPodAutoscaler{} }, func() runtime.Object { return &autoscaling.HorizontalPodAutoscalerList{} }, horizontalpodautoscaler.Strategy},

	{Group: "networking.k8s.io", Kind: "NetworkPolicy"}: {"networkpolicies", "networkpolicy", func() runtime.Object { return &networking.NetworkPolicy{} }, func() runtime.Object { return &networking.NetworkPolicyList{} }, networkpolicy.Strategy},
	{Group: "networking.k8s.io", Kind: "Ingress"}:       {"ingresses", "ingress", func() runtime.Object { return &networking.Ingress{} }, func() runtime.Object { return &networking.IngressList{} }, ingress.Strategy},
	{Group: "networking.k8s.io", Kind: "IngressClass"}:  {"ingressclasses", "ingressclass", func() runtime.Object { return &networking.IngressClass{} }, func() runtime.Object { return &networking.IngressClassList{} }, ingressclass.Strategy},

	{Group: "policy", Kind: "PodDisruptionBudget"}: {"poddisruptionbudgets", "poddisruptionbudget", func() runtime.Object { return &policy.PodDisruptionBudget{} }, func() runtime.Object { return &policy.PodDisruptionBudgetList{} }, poddisruptionbudget.Strategy},

	{Group: "rbac.authorization.k8s.io", Kind: "Role"}:               {"roles", "role", func() runtime.Object { return &rbac.Role{} }, func() runtime.Object { return &rbac.RoleList{} }, role.Strategy},
	{Group: "rbac.authorization.k8s.io", Kind: "RoleBinding"}:        {"rolebindings", "rolebinding", func() runtime.Object { return &rbac.RoleBinding{} }, func() runtime.Object { return &rbac.RoleBindingList{} }, rolebinding.Strategy},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}:        {"clusterroles", "clusterrole", func() runtime.Object { return &rbac.ClusterRole{} }, func() runtime.Object { return &rbac.ClusterRoleList{} }, clusterrole.Strategy},
	{Group: "rbac.authorization.k8s.io", Kind: "ClusterRoleBinding"}: {"clusterrolebindings", "clusterrolebinding", func() runtime.Object { return &rbac.ClusterRoleBinding{} }, func() runtime.Object { return &rbac.ClusterRoleBindingList{} }, clusterrolebinding.Strategy},

	{Group: "scheduling.k8s.io", Kind: "PriorityClass"}: {"priorityclasses", "priorityclass", func() runtime.Object { return &scheduling.PriorityClass{} }, func() runtime.Object { return &scheduling.PriorityClassList{} }, priorityclass.Strategy},

	{Group: "storage.k8s.io", Kind: "StorageClass"}: {"storageclasses", "storageclass", func() runtime.Object { return &storageapi.StorageClass{} }, func() runtime.Object { return &storageapi.StorageClassList{} }, storageclass.Strategy},
	{Group: "storage.k8s.io", Kind: "CSIDriver"}:    {"csidrivers", "csidriver", func() runtime.Object { return &storageapi.CSIDriver{} }, func() runtime.Object { return &storageapi.CSIDriverList{} }, csidriver.Strategy},

	{Group: "discovery.k8s.io", Kind: "EndpointSlice"}: {"endpointslices", "endpointslice", func() runtime.Object { return &discovery.EndpointSlice{} }, func() runtime.Object { return &discovery.EndpointSliceList{} }, endpointslice.Strategy},
	{Group: "coordination.k8s.io", Kind: "Lease"}:      {"leases", "lease", func() runtime.Object { return &coordination.Lease{} }, func() runtime.Object { return &coordination.LeaseList{} }, lease.Strategy},
	{Group: "node.k8s.io", Kind: "RuntimeClass"}:       {"runtimeclasses", "runtimeclass", func() runtime.Object { return &nodeapi.RuntimeClass{} }, func() runtime.Object { return &nodeapi.RuntimeClassList{} }, runtimeclass.Strategy},
}

// servedVersions are the group versions a 1.28 API server serves with its default flags
// (--runtime-config unset), for the groups the engine registers. The scheme also knows older
// versions (apps/v1beta1, policy/v1beta1...) that the server no longer serves; kubectl then
// says "no matches for kind".
var servedVersions = map[string][]string{
	"":                          {"v1"},
	"apps":                      {"v1"},
	"autoscaling":               {"v1", "v2"},
	"batch":                     {"v1"},
	"coordination.k8s.io":       {"v1"},
	"discovery.k8s.io":          {"v1"},
	"networking.k8s.io":         {"v1"},
	"node.k8s.io":               {"v1"},
	"policy":                    {"v1"},
	"rbac.authorization.k8s.io": {"v1"},
	"scheduling.k8s.io":         {"v1"},
	"storage.k8s.io":            {"v1"},
	// Served by the 1.28 API server but not registered here: their kinds are "not judged".
	"admissionregistration.k8s.io": {"v1"},
	"apiextensions.k8s.io":         {"v1"},
	"apiregistration.k8s.io":       {"v1"},
	"authentication.k8s.io":        {"v1"},
	"authorization.k8s.io":         {"v1"},
	"certificates.k8s.io":          {"v1"},
	"events.k8s.io":                {"v1"},
	"flowcontrol.apiserver.k8s.io": {"v1beta2", "v1beta3"},
}

func served(gv schema.GroupVersion) (builtinGroup, ok bool) {
	versions, builtinGroup := servedVersions[gv.Group]
	for _, v := range versions {
		if v == gv.Version {
			return true, true
		}
	}
	return builtinGroup, false
}
