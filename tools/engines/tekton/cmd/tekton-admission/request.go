package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"
)

// EngineName is what judged each result (`k8s-practice validate` puts it on the findings).
const EngineName = "Tekton admission"

// Description is what the engine runs, for the CLI's summary line.
const Description = "Tekton Pipelines v1.15.0 and Triggers v0.37.0 admission (strict decode, defaults, validation on create), offline"

// Request is the validation engine's request (tools/engines/validation): independent runs of
// named texts. Previous objects and cluster options are not used: every object is judged as a
// create.
type Request struct {
	Runs []struct {
		Name  string `json:"name,omitempty"`
		Files []struct {
			Name string `json:"name"`
			Text string `json:"text"`
		} `json:"files"`
	} `json:"runs"`
}

// Cause is one error of a refusal: a FieldError after knative's merge, or a decoding error.
type Cause struct {
	Message string   `json:"message"`
	Paths   []string `json:"paths,omitempty"`
	Details string   `json:"details,omitempty"`
}

// Result is the verdict on one Tekton object.
type Result struct {
	File       string `json:"file"`
	Document   int    `json:"document"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
	Engine     string `json:"engine"`
	// "accepted" or "refused".
	Verdict string `json:"verdict"`
	// "decode" (strict decoding) or "validation" (SetDefaults then Validate), when refused.
	Stage string `json:"stage,omitempty"`
	// The webhook's error text (FieldError.Error(), or the decoder's), when refused.
	Message string  `json:"message,omitempty"`
	Causes  []Cause `json:"causes,omitempty"`
}

// RunResult is the answer for one run; Errors are its texts that could not be read.
type RunResult struct {
	Name    string   `json:"name,omitempty"`
	Results []Result `json:"results"`
	Errors  []string `json:"errors,omitempty"`
}

// Output is the whole answer.
type Output struct {
	Engine  string      `json:"engine"`
	Runs    []RunResult `json:"runs"`
	Timings struct {
		JudgeMs float64 `json:"judgeMs"`
		Objects int     `json:"objects"`
	} `json:"timings"`
}

func runRequest(source string, stdin io.Reader, stdout, stderr io.Writer) int {
	var data []byte
	var err error
	if source == "-" {
		data, err = readAllWaiting(stdin)
	} else {
		data, err = os.ReadFile(source)
	}
	var req Request
	if err == nil {
		err = json.Unmarshal(data, &req)
	}
	if err != nil {
		fmt.Fprintln(stderr, "tekton-admission: request:", err)
		return 2
	}
	out := Output{Engine: Description, Runs: []RunResult{}}
	judging := time.Now()
	anyRefused := false
	for _, run := range req.Runs {
		answer := RunResult{Name: run.Name, Results: []Result{}}
		for _, file := range run.Files {
			// A text that is not YAML is the validator's finding already (yaml-parse); the
			// objects read before the error are judged, the rest of that text is not.
			objects, err := admitText(file.Name, []byte(file.Text))
			if err != nil {
				answer.Errors = append(answer.Errors, err.Error())
			}
			for _, a := range objects {
				result := judged(file.Name, a)
				anyRefused = anyRefused || result.Verdict == "refused"
				answer.Results = append(answer.Results, result)
				out.Timings.Objects++
			}
		}
		out.Runs = append(out.Runs, answer)
	}
	out.Timings.JudgeMs = float64(time.Since(judging).Microseconds()) / 1000
	encoder := json.NewEncoder(stdout)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintln(stderr, "tekton-admission:", err)
		return 2
	}
	if anyRefused {
		return 1
	}
	return 0
}

func judged(file string, a admitted) Result {
	r := Result{File: file, Document: a.document, APIVersion: a.apiVersion, Kind: a.kind, Namespace: a.namespace, Name: a.name, Engine: EngineName, Verdict: "accepted"}
	switch {
	case a.decodeErr != nil:
		r.Verdict, r.Stage, r.Message = "refused", "decode", a.decodeErr.Error()
		r.Causes = []Cause{{Message: a.decodeErr.Error()}}
	case a.invalid != nil:
		r.Verdict, r.Stage, r.Message = "refused", "validation", a.invalid.Error()
		for _, e := range a.invalid.WrappedErrors() {
			r.Causes = append(r.Causes, Cause{Message: e.Message, Paths: e.Paths, Details: e.Details})
		}
	}
	return r
}

// readAllWaiting reads a whole stream, waiting whenever it has nothing yet: `k8s-practice
// validate` may start the engine before its request is ready, and under Node's WASI standard
// input is a non-blocking pipe (a read then fails with EAGAIN instead of waiting).
func readAllWaiting(r io.Reader) ([]byte, error) {
	var data []byte
	buf := make([]byte, 64*1024)
	for {
		n, err := r.Read(buf)
		data = append(data, buf[:n]...)
		switch {
		case err == io.EOF:
			return data, nil
		case errors.Is(err, syscall.EAGAIN):
			time.Sleep(time.Millisecond)
		case err != nil:
			return data, err
		}
	}
}
