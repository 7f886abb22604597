package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"
)

// offlineClient is the client the admission plugins fall back to when their informer's cache
// misses: offline there is no cluster to ask, so every live lookup finds nothing. Only the
// calls the plugins in use make are implemented (the embedded nil interfaces panic on any
// other call, which the engine reports as an internal error).
type offlineClient struct{ kubernetes.Interface }

func (offlineClient) CoreV1() corev1client.CoreV1Interface { return offlineCore{} }

type offlineCore struct{ corev1client.CoreV1Interface }

func (offlineCore) ServiceAccounts(string) corev1client.ServiceAccountInterface {
	return offlineServiceAccounts{}
}
func (offlineCore) Namespaces() corev1client.NamespaceInterface { return offlineNamespaces{} }
func (offlineCore) LimitRanges(string) corev1client.LimitRangeInterface {
	return offlineLimitRanges{}
}

type offlineServiceAccounts struct {
	corev1client.ServiceAccountInterface
}

func (offlineServiceAccounts) Get(_ context.Context, name string, _ metav1.GetOptions) (*corev1.ServiceAccount, error) {
	return nil, apierrors.NewNotFound(corev1.Resource("serviceaccounts"), name)
}

type offlineNamespaces struct {
	corev1client.NamespaceInterface
}

func (offlineNamespaces) Get(_ context.Context, name string, _ metav1.GetOptions) (*corev1.Namespace, error) {
	return nil, apierrors.NewNotFound(corev1.Resource("namespaces"), name)
}

type offlineLimitRanges struct {
	corev1client.LimitRangeInterface
}

func (offlineLimitRanges) List(context.Context, metav1.ListOptions) (*corev1.LimitRangeList, error) {
	return &corev1.LimitRangeList{}, nil
}
