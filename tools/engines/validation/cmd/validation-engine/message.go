package main

import (
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// kubectlText is what kubectl 1.28 prints for an error of `kubectl apply -f FILE`. kubectl's
// own function (k8s.io/kubectl/pkg/cmd/util CheckErr, after AddSourceToErr) is not called: it
// brings in the terminal packages, which do not build for WebAssembly, for these few lines of
// formatting. What it does with the errors the engine meets:
//   - an Invalid status prints `The <Kind> "<name>" is invalid: ` and its causes as
//     `<field>: <message>` (duplicates dropped): on the same line when there is one, else on
//     the next lines, each after `* `;
//   - any other status prints `Error from server (<Reason>): error when <verb> "<file>": <message>`;
//   - an error raised by kubectl itself prints `error: <message>`.
func kubectlText(err error, verb, source string) string {
	var statusErr *apierrors.StatusError
	if !errors.As(err, &statusErr) {
		msg := err.Error()
		if !strings.HasPrefix(msg, "error: ") {
			msg = "error: " + msg
		}
		return msg
	}
	status := statusErr.Status()
	if status.Reason == metav1.StatusReasonInvalid {
		text := "The request is invalid"
		details := status.Details
		if details == nil {
			if status.Message != "" {
				text += ": " + status.Message
			}
			return text
		}
		if details.Kind != "" || details.Name != "" {
			text = fmt.Sprintf("The %s %q is invalid", details.Kind, details.Name)
		} else if status.Message != "" && len(details.Causes) == 0 {
			text += ": " + status.Message
		}
		var causes []string
		seen := map[string]bool{}
		for _, cause := range details.Causes {
			line := fmt.Sprintf("%s: %s", cause.Field, cause.Message)
			if !seen[line] {
				seen[line] = true
				causes = append(causes, line)
			}
		}
		switch len(causes) {
		case 0:
			return text
		case 1:
			return text + ": " + causes[0]
		default:
			return text + ": \n* " + strings.Join(causes, "\n* ")
		}
	}
	message := status.Message
	if source != "" && verb != "" {
		message = fmt.Sprintf("error when %s %q: %v", verb, source, message)
	}
	switch {
	case status.Reason == metav1.StatusReasonUnauthorized:
		return fmt.Sprintf("error: You must be logged in to the server (%s)", message)
	case status.Reason != "":
		return fmt.Sprintf("Error from server (%s): %s", status.Reason, message)
	default:
		return "Error from server: " + message
	}
}
