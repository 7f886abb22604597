// Command core-interceptors serves Tekton Triggers' core interceptors (cel, github, gitlab,
// bitbucket, slack; github.com/tektoncd/triggers/pkg/interceptors/server, v0.37.0) over TLS on a
// loopback address, with a certificate it makes for 127.0.0.1 at start.
//
// Triggers' own cmd/interceptors listens on :8443 on every interface and manages its certificate
// through a Secret; this wrapper serves the same handler on 127.0.0.1 only and writes the CA to
// --ca-file, which the caller publishes as the ClusterInterceptors' caBundle.
//
// Usage: core-interceptors --kubeconfig K --listen 127.0.0.1:PORT --ca-file FILE
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"time"

	"go.uber.org/zap"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/tektoncd/triggers/pkg/interceptors"
	"github.com/tektoncd/triggers/pkg/interceptors/server"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig (the interceptors read Secrets, e.g. for compareSecret)")
	listen := flag.String("listen", "127.0.0.1:8443", "loopback address to serve on")
	caFile := flag.String("ca-file", "", "where to write the PEM CA certificate")
	flag.Parse()
	if *kubeconfig == "" || *caFile == "" {
		log.Fatal("core-interceptors: --kubeconfig and --ca-file are required")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		log.Fatalf("core-interceptors: %v", err)
	}
	zapLogger, _ := zap.NewDevelopment()
	logger := zapLogger.Sugar()
	handler, err := server.NewWithCoreInterceptors(interceptors.DefaultSecretGetter(kubernetes.NewForConfigOrDie(cfg).CoreV1()), logger)
	if err != nil {
		log.Fatalf("core-interceptors: %v", err)
	}
	cert, caPEM, err := selfSigned()
	if err != nil {
		log.Fatalf("core-interceptors: %v", err)
	}
	if err := os.WriteFile(*caFile, caPEM, 0o644); err != nil {
		log.Fatalf("core-interceptors: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", handler)
	mux.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
	srv := &http.Server{Addr: *listen, Handler: mux, ReadHeaderTimeout: 5 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	logger.Infof("serving the core interceptors on https://%s", *listen)
	log.Fatal(srv.ListenAndServeTLS("", ""))
}

// selfSigned makes a one-day certificate for 127.0.0.1 and localhost that is its own CA.
func selfSigned() (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "core-interceptors (local test)"},
		NotBefore:             time.Now().Add(-time.Minute),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	return cert, certPEM, err
}
