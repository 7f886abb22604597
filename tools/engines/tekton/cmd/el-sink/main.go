// Command el-sink runs Tekton Triggers' EventListener sink (github.com/tektoncd/triggers/pkg/sink,
// v0.37.0: the code behind the el-* pods) as a local process listening on 127.0.0.1 only.
//
// Triggers' own cmd/eventlistenersink listens on every interface and starts the knative adapter's
// extra servers; this wrapper wires the same sink.Sink with the same informers and clients, from
// a kubeconfig, and serves it on one loopback address. Everything that decides what happens to a
// webhook (payload checks, interceptors, bindings, templates, creating resources with the
// listener's own credentials) is Triggers' code, unchanged.
//
// Usage: el-sink --kubeconfig K --el-name NAME --el-namespace NS --port PORT
// (the sink package's own flags; it serves on 127.0.0.1:PORT).
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/record"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/clients/dynamicclient"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/signals"

	"github.com/tektoncd/triggers/pkg/client/clientset/versioned/scheme"
	triggersclient "github.com/tektoncd/triggers/pkg/client/injection/client"
	clusterinterceptorsinformer "github.com/tektoncd/triggers/pkg/client/injection/informers/triggers/v1alpha1/clusterinterceptor"
	interceptorsinformer "github.com/tektoncd/triggers/pkg/client/injection/informers/triggers/v1alpha1/interceptor"
	clustertriggerbindingsinformer "github.com/tektoncd/triggers/pkg/client/injection/informers/triggers/v1beta1/clustertriggerbinding"
	eventlistenerinformer "github.com/tektoncd/triggers/pkg/client/injection/informers/triggers/v1beta1/eventlistener"
	triggersinformer "github.com/tektoncd/triggers/pkg/client/injection/informers/triggers/v1beta1/trigger"
	triggerbindingsinformer "github.com/tektoncd/triggers/pkg/client/injection/informers/triggers/v1beta1/triggerbinding"
	triggertemplatesinformer "github.com/tektoncd/triggers/pkg/client/injection/informers/triggers/v1beta1/triggertemplate"
	"github.com/tektoncd/triggers/pkg/sink"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig holding the EventListener ServiceAccount's token")
	// The sink package registers -el-name, -el-namespace and -port itself, and parses the flags.
	args, err := sink.GetArgs()
	if err != nil {
		log.Fatalf("el-sink: %v", err)
	}
	if *kubeconfig == "" {
		log.Fatal("el-sink: --kubeconfig is required")
	}
	name, namespace, listen := &args.ElName, &args.ElNamespace, "127.0.0.1:"+args.Port
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("el-sink: %v", err)
	}
	zapLogger, _ := zap.NewDevelopment()
	logger := zapLogger.Sugar().With("eventlistener", *name)

	ctx := logging.WithLogger(signals.NewContext(), logger)
	ctx = injection.WithConfig(ctx, cfg)
	ctx = context.WithValue(ctx, dynamicclient.Key{}, dynamic.NewForConfigOrDie(cfg))
	// Like the sink in a pod (not --is-multi-ns): informers watch the listener's namespace only.
	ctx = injection.WithNamespaceScope(ctx, *namespace)
	ctx, informers := injection.Default.SetupInformers(ctx, cfg)
	if err := controller.StartInformers(ctx.Done(), informers...); err != nil {
		log.Fatalf("el-sink: starting informers: %v", err)
	}
	kube := kubernetes.NewForConfigOrDie(cfg)

	httpClient, err := interceptorClient(ctx, *namespace)
	if err != nil {
		log.Fatalf("el-sink: %v", err)
	}
	recorder, err := sink.NewRecorder()
	if err != nil {
		log.Fatalf("el-sink: %v", err)
	}
	broadcaster := record.NewBroadcaster()
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: kube.CoreV1().Events("")})

	s := sink.Sink{
		KubeClientSet:          kube,
		DiscoveryClient:        kube.Discovery(),
		DynamicClient:          dynamicclient.Get(ctx),
		TriggersClient:         triggersclient.Get(ctx),
		HTTPClient:             httpClient,
		EventListenerName:      *name,
		EventListenerNamespace: *namespace,
		PayloadValidation:      true,
		Logger:                 logger,
		Recorder:               recorder,
		Auth:                   sink.DefaultAuthOverride{},
		WGProcessTriggers:      &sync.WaitGroup{},
		EventRecorder:          broadcaster.NewRecorder(scheme.Scheme, corev1.EventSource{Component: "EventListener"}),

		EventListenerLister:         eventlistenerinformer.Get(ctx).Lister(),
		TriggerLister:               triggersinformer.Get(ctx).Lister(),
		TriggerBindingLister:        triggerbindingsinformer.Get(ctx).Lister(),
		ClusterTriggerBindingLister: clustertriggerbindingsinformer.Get(ctx).Lister(),
		TriggerTemplateLister:       triggertemplatesinformer.Get(ctx).Lister(),
		ClusterInterceptorLister:    clusterinterceptorsinformer.Get(ctx).Lister(),
		InterceptorLister:           interceptorsinformer.Get(ctx).Lister(),
	}

	mux := http.NewServeMux()
	mux.Handle("/", s.IsValidPayload(http.HandlerFunc(s.HandleEvent)))
	mux.HandleFunc("/live", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	srv := &http.Server{Addr: listen, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	logger.Infof("serving EventListener %s/%s on %s", *namespace, *name, listen)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatalf("el-sink: %v", err)
	}
}

// trust adds the caBundle of one interceptor to pool when it is served over https. It reports
// whether it is an https one, and whether its caBundle is published yet.
func trust(pool *x509.CertPool, labels map[string]string, caBundle []byte) (https, published bool) {
	if labels["server/type"] != "https" {
		return false, true
	}
	if len(bytes.TrimSpace(caBundle)) == 0 {
		return true, false
	}
	return pool.AppendCertsFromPEM(caBundle), true
}

// interceptorClient trusts the caBundle of every https ClusterInterceptor and namespaced
// Interceptor, as the sink does, once they are published (waits up to a minute).
func interceptorClient(ctx context.Context, namespace string) (*http.Client, error) {
	pool := x509.NewCertPool()
	err := wait.PollUntilContextTimeout(ctx, time.Second, time.Minute, true, func(context.Context) (bool, error) {
		found := false
		cis, err := clusterinterceptorsinformer.Get(ctx).Lister().List(labels.Everything())
		if err != nil {
			return false, err
		}
		for _, ci := range cis {
			https, published := trust(pool, ci.Labels, ci.Spec.ClientConfig.CaBundle)
			if !published {
				return false, nil
			}
			found = found || https
		}
		nis, err := interceptorsinformer.Get(ctx).Lister().Interceptors(namespace).List(labels.Everything())
		if err != nil {
			return false, err
		}
		for _, ni := range nis {
			if _, published := trust(pool, ni.Labels, ni.Spec.ClientConfig.CaBundle); !published {
				return false, nil
			}
		}
		return found, nil
	})
	if err != nil {
		return nil, fmt.Errorf("no https ClusterInterceptor with a caBundle: %w", err)
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}, nil
}
