package main

import (
	"fmt"
	"k8s.io/apimachinery/pkg/labels"
	"strconv"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	"k8s.io/kubernetes/pkg/controller"
	daemonutil "k8s.io/kubernetes/pkg/controller/daemon/util"
	labelsutil "k8s.io/kubernetes/pkg/util/labels"
)

// The objects controllers create from an accepted workload are refused only then, by the same
// API server: a Deployment in a `restricted` namespace is stored, and its ReplicaSet's Pods are
// refused by PodSecurity (a FailedCreate event, no Pod). The engine makes those objects as
// the controllers do (pkg/controller's GetPodFromTemplate and ComputeHash) and sends them
// through the same create path. One of each: one Pod per template, the claims of ordinal 0.

// scheduled is the nominal time the CronJob controller names its Job after (any fixed time:
// the name only needs to be stable).
const scheduledMinutes = 29430720 // 2025-12-15T00:00:00Z / 60

func toVersioned(obj runtime.Object, gv schema.GroupVersion) runtime.Object {
	out, err := legacyscheme.Scheme.ConvertToVersion(obj.DeepCopyObject(), gv)
	if err != nil {
		panic(err)
	}
	return out
}

func ownerRef(obj metav1.Object, gvk schema.GroupVersionKind) *metav1.OwnerReference {
	return metav1.NewControllerRef(obj, gvk)
}

// later judges what the controllers make from an accepted object.
func (c *cluster) later(stored runtime.Object, gvk schema.GroupVersionKind) []Later {
	switch gvk.GroupKind() {
	case schema.GroupKind{Group: "apps", Kind: "Deployment"}:
		d := toVersioned(stored, appsv1.SchemeGroupVersion).(*appsv1.Deployment)
		hash := controller.ComputeHash(&d.Spec.Template, d.Status.CollisionCount)
		rs := &appsv1.ReplicaSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "ReplicaSet"}}
		rs.Name, rs.Namespace = d.Name+"-"+hash, d.Namespace
		rs.Labels = labelsutil.CloneAndAddLabel(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey, hash)
		rs.Annotations = map[string]string{"deployment.kubernetes.io/revision": "1"}
		rs.OwnerReferences = []metav1.OwnerReference{*ownerRef(d, appsv1.SchemeGroupVersion.WithKind("Deployment"))}
		rs.Spec.Replicas = d.Spec.Replicas
		rs.Spec.MinReadySeconds = d.Spec.MinReadySeconds
		rs.Spec.Selector = labelsutil.CloneSelectorAndAddLabel(d.Spec.Selector, appsv1.DefaultDeploymentUniqueLabelKey, hash)
		rs.Spec.Template = *d.Spec.Template.DeepCopy()
		rs.Spec.Template.Labels = labelsutil.CloneAndAddLabel(d.Spec.Template.Labels, appsv1.DefaultDeploymentUniqueLabelKey, hash)
		judged, out := c.createMade("Deployment controller", rs, "ReplicaSet", rs.Name,
			func(status string) string {
				return fmt.Sprintf("Failed to create new replica set %q: %s", rs.Name, status)
			})
		result := []Later{judged}
		if out != nil {
			result = append(result, c.later(out, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"))...)
		}
		return result
	case schema.GroupKind{Group: "apps", Kind: "ReplicaSet"}:
		rs := toVersioned(stored, appsv1.SchemeGroupVersion).(*appsv1.ReplicaSet)
		return c.pods("ReplicaSet controller", &rs.Spec.Template, rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet"), nil, replicas(rs.Spec.Replicas))
	case schema.GroupKind{Kind: "ReplicationController"}:
		rc := toVersioned(stored, corev1.SchemeGroupVersion).(*corev1.ReplicationController)
		if rc.Spec.Template == nil {
			return nil
		}
		return c.pods("ReplicationController controller", rc.Spec.Template, rc, corev1.SchemeGroupVersion.WithKind("ReplicationController"), nil, replicas(rc.Spec.Replicas))
	case schema.GroupKind{Group: "apps", Kind: "DaemonSet"}:
		ds := toVersioned(stored, appsv1.SchemeGroupVersion).(*appsv1.DaemonSet)
		hash := controller.ComputeHash(&ds.Spec.Template, ds.Status.CollisionCount)
		template := daemonutil.CreatePodTemplate(ds.Spec.Template, &ds.Generation, hash)
		return c.pod("DaemonSet controller", &template, ds, appsv1.SchemeGroupVersion.WithKind("DaemonSet"), func(pod *corev1.Pod) {
			pod.Spec.Affinity = daemonutil.ReplaceDaemonSetPodNodeNameNodeAffinity(pod.Spec.Affinity, "node-1")
		})
	case schema.GroupKind{Group: "apps", Kind: "StatefulSet"}:
		return c.statefulSet(toVersioned(stored, appsv1.SchemeGroupVersion).(*appsv1.StatefulSet))
	case schema.GroupKind{Group: "batch", Kind: "Job"}:
		job := toVersioned(stored, batchv1.SchemeGroupVersion).(*batchv1.Job)
		return c.pods("Job controller", &job.Spec.Template, job, batchv1.SchemeGroupVersion.WithKind("Job"), func(pod *corev1.Pod) {
			pod.Finalizers = append(pod.Finalizers, batchv1.JobTrackingFinalizer)
			if job.Spec.CompletionMode != nil && *job.Spec.CompletionMode == batchv1.IndexedCompletion {
				if pod.Annotations == nil {
					pod.Annotations = map[string]string{}
				}
				pod.Annotations[batchv1.JobCompletionIndexAnnotation] = "0"
				pod.Labels[batchv1.JobCompletionIndexAnnotation] = "0"
			}
		}, jobPods(job))
	case schema.GroupKind{Group: "batch", Kind: "CronJob"}:
		cj := toVersioned(stored, batchv1.SchemeGroupVersion).(*batchv1.CronJob)
		job := &batchv1.Job{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}}
		job.Name, job.Namespace = cj.Name+"-"+strconv.Itoa(scheduledMinutes), cj.Namespace
		job.Labels, job.Annotations = copyMap(cj.Spec.JobTemplate.Labels), copyMap(cj.Spec.JobTemplate.Annotations)
		job.OwnerReferences = []metav1.OwnerReference{*ownerRef(cj, batchv1.SchemeGroupVersion.WithKind("CronJob"))}
		job.Spec = *cj.Spec.JobTemplate.Spec.DeepCopy()
		judged, out := c.createMade("CronJob controller", job, "Job", job.Name,
			func(status string) string { return "Error creating job: " + status })
		result := []Later{judged}
		if out != nil {
			result = append(result, c.later(out, batchv1.SchemeGroupVersion.WithKind("Job"))...)
		}
		return result
	}
	return nil
}

func copyMap(in map[string]string) map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// pod judges the Pod a ReplicaSet, Job, DaemonSet or ReplicationController controller creates
// from its template (controller.GetPodFromTemplate; the name is generated from the prefix).
func (c *cluster) pod(controllerName string, template *corev1.PodTemplateSpec, parent runtime.Object, parentKind schema.GroupVersionKind, adjust func(*corev1.Pod)) []Later {
	return c.pods(controllerName, template, parent, parentKind, adjust, 1)
}

// maxQuotaPods bounds the pods made for one controller when a quota makes them count.
const maxQuotaPods = 1000

// pods judges the `count` pods a controller makes from its template. They are alike, so the
// first one stands for all, unless a ResourceQuota of the namespace counts them: then they are
// made one by one (up to maxQuotaPods) until one is refused, as the controller's creates meet
// the quota on the server. Reported: the first pod, and the first refused one.
func (c *cluster) pods(controllerName string, template *corev1.PodTemplateSpec, parent runtime.Object, parentKind schema.GroupVersionKind, adjust func(*corev1.Pod), count int) []Later {
	if count <= 0 {
		return nil
	}
	owner, _ := metaAccessor(parent)
	quotas, _ := c.informers.Core().V1().ResourceQuotas().Lister().ResourceQuotas(owner.GetNamespace()).List(labels.Everything())
	if len(quotas) == 0 {
		count = 1
	} else if count > maxQuotaPods {
		count = maxQuotaPods
	}
	var result []Later
	for i := 0; i < count; i++ {
		pod, err := controller.GetPodFromTemplate(template, parent, ownerRef(owner, parentKind))
		if err != nil {
			panic(err)
		}
		pod.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}
		pod.Namespace = owner.GetNamespace()
		// The store would add five random characters; fixed ones keep the output stable.
		pod.Name = pod.GenerateName + "xxxxx"
		if i > 0 {
			pod.Name = fmt.Sprintf("%s%05d", pod.GenerateName, i)
		}
		if adjust != nil {
			adjust(pod)
		}
		judged, _ := c.createMade(controllerName, pod, "Pod", pod.Name, func(status string) string { return "Error creating: " + status })
		if i == 0 || judged.Verdict != accepted {
			result = append(result, judged)
		}
		if judged.Verdict != accepted {
			break
		}
	}
	return result
}

// jobPods is how many pods a Job's controller starts with: its parallelism, no more than its
// completions, none while it is suspended.
func jobPods(job *batchv1.Job) int {
	if job.Spec.Suspend != nil && *job.Spec.Suspend {
		return 0
	}
	n := replicas(job.Spec.Parallelism)
	if job.Spec.Completions != nil && int(*job.Spec.Completions) < n {
		n = int(*job.Spec.Completions)
	}
	return n
}

// replicas is a controller's replica count (1 when unset, as defaulted).
func replicas(n *int32) int {
	if n == nil {
		return 1
	}
	return int(*n)
}

// statefulSet judges the claims of ordinal 0 (created first) and its Pod, as the StatefulSet
// controller makes them (pkg/controller/statefulset: getPersistentVolumeClaims, newStatefulSetPod).
func (c *cluster) statefulSet(set *appsv1.StatefulSet) []Later {
	ordinal := 0
	if set.Spec.Ordinals != nil {
		ordinal = int(set.Spec.Ordinals.Start)
	}
	podName := fmt.Sprintf("%s-%d", set.Name, ordinal)
	var result []Later
	claims := map[string]string{}
	for _, template := range set.Spec.VolumeClaimTemplates {
		claim := &corev1.PersistentVolumeClaim{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"}}
		claim.ObjectMeta = *template.ObjectMeta.DeepCopy()
		claim.Name = fmt.Sprintf("%s-%s", template.Name, podName)
		claim.Namespace = set.Namespace
		if set.Spec.Selector != nil && set.Spec.Selector.MatchLabels != nil {
			if claim.Labels == nil {
				claim.Labels = map[string]string{}
			}
			for k, v := range set.Spec.Selector.MatchLabels {
				claim.Labels[k] = v
			}
		}
		claim.Spec = *template.Spec.DeepCopy()
		claims[template.Name] = claim.Name
		judged, _ := c.createMade("StatefulSet controller", claim, "PersistentVolumeClaim", claim.Name, func(status string) string {
			return fmt.Sprintf("create Claim %s for Pod %s in StatefulSet %s failed error: %s", claim.Name, podName, set.Name, status)
		})
		result = append(result, judged)
	}
	owner := ownerRef(set, appsv1.SchemeGroupVersion.WithKind("StatefulSet"))
	pod, err := controller.GetPodFromTemplate(&set.Spec.Template, set, owner)
	if err != nil {
		panic(err)
	}
	pod.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}
	pod.Name, pod.GenerateName, pod.Namespace = podName, "", set.Namespace
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	pod.Labels[appsv1.StatefulSetPodNameLabel] = podName
	pod.Labels[appsv1.PodIndexLabel] = strconv.Itoa(ordinal)
	pod.Labels[appsv1.ControllerRevisionHashLabelKey] = set.Name + "-" + controller.ComputeHash(&set.Spec.Template, set.Status.CollisionCount)
	pod.Spec.Hostname, pod.Spec.Subdomain = podName, set.Spec.ServiceName
	// As the controller's updateStorage orders them: the claims' volumes first (in map order, as
	// there), then the template's volumes that no claim replaces.
	volumes := make([]corev1.Volume, 0, len(claims)+len(pod.Spec.Volumes))
	for name, claimName := range claims {
		volumes = append(volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claimName}}})
	}
	for _, volume := range pod.Spec.Volumes {
		if _, claimed := claims[volume.Name]; !claimed {
			volumes = append(volumes, volume)
		}
	}
	pod.Spec.Volumes = volumes
	judged, _ := c.createMade("StatefulSet controller", pod, "Pod", podName, func(status string) string {
		return fmt.Sprintf("create Pod %s in StatefulSet %s failed error: %s", podName, set.Name, status)
	})
	return append(result, judged)
}

// createMade sends an object a controller makes through the create path, as the controller's
// client does (JSON, decoded and defaulted by the server).
func (c *cluster) createMade(controllerName string, obj runtime.Object, kindName, name string, event func(string) string) (Later, runtime.Object) {
	l := Later{Controller: controllerName, Kind: kindName, Name: name}
	gvks, _, err := legacyscheme.Scheme.ObjectKinds(obj)
	if err != nil {
		panic(err)
	}
	gvk := gvks[0]
	k := kinds[gvk.GroupKind()]
	accessor, _ := metaAccessor(obj)
	namespace := accessor.GetNamespace()
	r := Result{}
	internal, err := decode(toJSON(obj), gvk, false)
	if err != nil {
		panic(err)
	}
	store, err := c.store(gvk.GroupKind())
	if err != nil {
		panic(err)
	}
	out := c.create(&r, internal, gvk, gvk.GroupVersion().WithResource(k.resource), store, namespace)
	l.Verdict, l.Engine, l.Status, l.Warnings = r.Verdict, r.Engine, r.Status, r.Warnings
	if r.Status != nil {
		l.Message = event(r.Status.Message)
	}
	return l, out
}
