// Command pipelines-controller runs Tekton Pipelines' controller (v1.15.0: the TaskRun, PipelineRun
// and ResolutionRequest reconcilers of github.com/tektoncd/pipeline/cmd/controller) as a local
// process whose only server listens on 127.0.0.1.
//
// Tekton's cmd/controller hands over to knative's sharedmain.MainWithConfig, which starts a
// pprof server and health probes on every interface (and a Prometheus server when
// config-observability asks for one). This main does the same steps with sharedmain's exported
// pieces, minus those servers: metrics stay off (OpenTelemetry's no-op providers), and one
// loopback address serves /health and /readiness. The reconcilers, their informers and their
// config stores are Tekton's, unchanged; leader election is off (a single replica).
//
// Usage: pipelines-controller --kubeconfig K --probes-address 127.0.0.1:PORT
//
//	-entrypoint-image I -nop-image I -sidecarlogresults-image I -shell-image I
//	-shell-image-win I -workingdirinit-image I
//
// with SYSTEM_NAMESPACE, KUBERNETES_MIN_VERSION and the CONFIG_* names in the environment, as
// the release's Deployment sets them.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/go-logr/zapr"
	"github.com/tektoncd/pipeline/pkg/apis/pipeline"
	"github.com/tektoncd/pipeline/pkg/apis/pipeline/v1beta1"
	"github.com/tektoncd/pipeline/pkg/reconciler/pipelinerun"
	"github.com/tektoncd/pipeline/pkg/reconciler/resolutionrequest"
	"github.com/tektoncd/pipeline/pkg/reconciler/taskrun"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
	"k8s.io/utils/clock"
	filteredinformerfactory "knative.dev/pkg/client/injection/kube/informers/factory/filtered"
	"knative.dev/pkg/controller"
	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/logging"
	"knative.dev/pkg/signals"
)

// The logger name of Tekton's controller, kept so that config-logging applies unchanged.
const component = "tekton-pipelines-controller"

func main() {
	// Tekton's own flags (cmd/controller/main.go), same names and defaults.
	flag.IntVar(&controller.DefaultThreadsPerController, "threads-per-controller", controller.DefaultThreadsPerController, "Threads (goroutines) to create per controller")
	namespace := flag.String("namespace", corev1.NamespaceAll, "Namespace to restrict informer to. Optional, defaults to all namespaces.")
	opts := &pipeline.Options{}
	flag.StringVar(&opts.Images.EntrypointImage, "entrypoint-image", "", "The container image containing our entrypoint binary.")
	flag.StringVar(&opts.Images.SidecarLogResultsImage, "sidecarlogresults-image", "", "The container image containing the binary for accessing results.")
	flag.StringVar(&opts.Images.NopImage, "nop-image", "", "The container image used to stop sidecars")
	flag.StringVar(&opts.Images.ShellImage, "shell-image", "", "The container image containing a shell")
	flag.StringVar(&opts.Images.ShellImageWin, "shell-image-win", "", "The container image containing a windows shell")
	flag.StringVar(&opts.Images.WorkingDirInitImage, "workingdirinit-image", "", "The container image containing our working dir init binary.")
	flag.DurationVar(&opts.ResyncPeriod, "resync-period", controller.DefaultResyncPeriod, "The period between two resync run (going through all objects)")
	probes := flag.String("probes-address", "127.0.0.1:0", "Loopback address serving /health and /readiness")

	// Parses the flags, --kubeconfig included.
	cfg := injection.ParseAndGetRESTConfigOrDie()
	if err := opts.Images.Validate(); err != nil {
		log.Fatal(err)
	}
	if host, _, err := net.SplitHostPort(*probes); err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("--probes-address must be a loopback address, not %q", *probes)
	}
	// Tekton's client rates: twice the defaults, doubled again for its two main controllers.
	if cfg.QPS == 0 {
		cfg.QPS = 2 * rest.DefaultQPS
	}
	if cfg.Burst == 0 {
		cfg.Burst = rest.DefaultBurst
	}
	cfg.QPS = 2 * cfg.QPS
	cfg.Burst = 2 * cfg.Burst

	ctx := injection.WithNamespaceScope(signals.NewContext(), *namespace)
	ctx = sharedmain.WithHADisabled(ctx)
	ctx = filteredinformerfactory.WithSelectors(ctx, v1beta1.ManagedByLabelKey)
	ctx = controller.WithResyncPeriod(ctx, opts.ResyncPeriod)

	run(ctx, cfg, *probes,
		taskrun.NewController(opts, clock.RealClock{}),
		pipelinerun.NewController(opts, clock.RealClock{}),
		resolutionrequest.NewController(clock.RealClock{}),
	)
}

// run is sharedmain.MainWithConfig without its servers: no pprof, no metrics exporter, no
// webhook (the controller has none), and health probes on the loopback address only.
func run(ctx context.Context, cfg *rest.Config, probes string, ctors ...injection.ControllerConstructor) {
	ctx, startInformers := injection.EnableInjectionOrDie(ctx, cfg)

	logger, atomicLevel := sharedmain.SetupLoggerOrDie(ctx, component)
	defer func() { _ = logger.Sync() }()
	ctx = logging.WithLogger(ctx, logger)
	klog.SetLogger(zapr.NewLogger(logger.Desugar()))
	rest.SetDefaultWarningHandler(&logging.WarningHandler{Logger: logger})

	sharedmain.CheckK8sClientMinimumVersionOrDie(ctx, logger)
	cmw := sharedmain.SetupConfigMapWatchOrDie(ctx, logger)
	controllers, webhooks := sharedmain.ControllersAndWebhooksFromCtors(ctx, cmw, ctors...)
	if len(webhooks) > 0 {
		logger.Fatalf("%d reconcilers are webhooks; this main serves none", len(webhooks))
	}
	sharedmain.WatchLoggingConfigOrDie(ctx, cmw, logger, atomicLevel, component)

	var ready atomic.Bool
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	mux.HandleFunc("/readiness", func(w http.ResponseWriter, _ *http.Request) {
		if ready.Load() {
			w.WriteHeader(http.StatusOK)
		} else {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	listener, err := net.Listen("tcp", probes)
	if err != nil {
		logger.Fatalw("Failed to listen for probes", "error", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Fatalw("Probe server failed", "error", err)
		}
	}()
	logger.Infof("Probes listening on %s", listener.Addr())

	logger.Info("Starting configmap watcher...")
	if err := cmw.Start(ctx.Done()); err != nil {
		logger.Fatalw("Failed to start configmap watcher", "error", err)
	}
	// Waits until the informers have synced.
	startInformers()
	logger.Info("Starting controllers...")
	ready.Store(true)
	if err := controller.StartAll(ctx, controllers...); err != nil {
		logger.Errorw("Error while running controllers", "error", err)
	}
	_ = srv.Shutdown(context.Background())
}
