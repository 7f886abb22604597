// Command coredns is a minimal CoreDNS build for the practice cluster's real node. It serves
// cluster DNS from the API server (the kubernetes plugin) and nothing else: no forward, hosts,
// etcd or cloud plugins are compiled in, so a Corefile can never send a query off the machine.
//
// The flags are CoreDNS's own (-conf, -plugins, -version, ...), from coremain.
package main

import (
	"fmt"
	"os"
	"slices"

	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	// Each import registers one plugin with Caddy. Keep this list and `plugins` in step.
	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/ready"
)

// plugins are the directives a Corefile may use in this build.
var plugins = []string{"cache", "errors", "health", "kubernetes", "log", "ready"}

func main() {
	// The order of directives is the order in which plugins handle a query. Keep upstream's
	// order (dnsserver.Directives lists every plugin CoreDNS ships) restricted to ours.
	var order []string
	for _, d := range dnsserver.Directives {
		if slices.Contains(plugins, d) {
			order = append(order, d)
		}
	}
	if len(order) != len(plugins) {
		fmt.Fprintf(os.Stderr, "coredns: upstream directives %v lack some of %v\n", order, plugins)
		os.Exit(2)
	}
	if err := dnsserver.SetDirectives(order); err != nil {
		fmt.Fprintf(os.Stderr, "coredns: %v\n", err)
		os.Exit(2)
	}
	coremain.Run()
}
