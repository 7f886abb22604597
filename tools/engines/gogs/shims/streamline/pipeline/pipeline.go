// Package pipeline defines a per-line transformation of a stream.
package pipeline

// Pipeline transforms one line. A nil line with a nil error drops the line; an error stops the
// stream. An inactive pipeline is skipped.
type Pipeline interface {
	Inactive() bool
	ProcessLine(line []byte) ([]byte, error)
}
