package main

import (
	"strings"

	cmdutil "k8s.io/kubectl/pkg/cmd/util"
)

// kubectlText is what kubectl 1.28 prints for an error of `kubectl apply -f FILE`: the error
// goes through kubectl's own AddSourceToErr and CheckErr (so an Invalid status prints as
// `The Deployment "web" is invalid: ...`, one cause per line with `* ` when there are several,
// and any other status as `Error from server (Reason): error when creating "FILE": ...`).
// With verb "", the error is printed as it is (errors raised by kubectl itself).
func kubectlText(err error, verb, source string) string {
	var text string
	cmdutil.BehaviorOnFatal(func(msg string, _ int) { text = msg })
	defer cmdutil.DefaultBehaviorOnFatal()
	if verb != "" {
		err = cmdutil.AddSourceToErr(verb, source, err)
	}
	cmdutil.CheckErr(err)
	return strings.TrimRight(text, "\n")
}
