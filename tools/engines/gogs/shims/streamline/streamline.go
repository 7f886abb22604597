// Package streamline reads a stream line by line through a chain of pipelines.
package streamline

import (
	"bufio"
	"bytes"
	"io"
	"strings"

	"go.bobheadxi.dev/streamline/pipeline"
)

// Stream is a line-oriented reader.
type Stream struct {
	reader    *bufio.Reader
	pipelines []pipeline.Pipeline
	pending   []byte // processed output not yet returned by Read
	done      bool
}

// New reads lines from r.
func New(r io.Reader) *Stream { return &Stream{reader: bufio.NewReader(r)} }

// WithPipeline adds p after the pipelines already set.
func (s *Stream) WithPipeline(p pipeline.Pipeline) *Stream {
	s.pipelines = append(s.pipelines, p)
	return s
}

// next returns the next processed line (without its newline), or io.EOF.
func (s *Stream) next() ([]byte, error) {
	for {
		if s.done {
			return nil, io.EOF
		}
		line, err := s.reader.ReadBytes('\n')
		if err == io.EOF {
			s.done = true
			if len(line) == 0 {
				return nil, io.EOF
			}
		} else if err != nil {
			return nil, err
		}
		line = bytes.TrimSuffix(line, []byte("\n"))
		keep := true
		for _, p := range s.pipelines {
			if p == nil || p.Inactive() {
				continue
			}
			out, err := p.ProcessLine(line)
			if err != nil {
				return nil, err
			}
			if out == nil {
				keep = false
				break
			}
			line = out
		}
		if keep {
			return line, nil
		}
	}
}

// Stream calls dst with each line.
func (s *Stream) Stream(dst func(line string)) error {
	for {
		line, err := s.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		dst(string(line))
	}
}

// Lines returns every line.
func (s *Stream) Lines() ([]string, error) {
	var lines []string
	err := s.Stream(func(line string) { lines = append(lines, line) })
	return lines, err
}

// String returns the lines joined by newlines.
func (s *Stream) String() (string, error) {
	lines, err := s.Lines()
	return strings.Join(lines, "\n"), err
}

// Read implements io.Reader over the processed lines, each followed by a newline.
func (s *Stream) Read(p []byte) (int, error) {
	for len(s.pending) == 0 {
		line, err := s.next()
		if err != nil {
			return 0, err
		}
		s.pending = append(line, '\n')
	}
	n := copy(p, s.pending)
	s.pending = s.pending[n:]
	return n, nil
}

// WriteTo writes the processed lines to w.
func (s *Stream) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		line, err := s.next()
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
		n, err := w.Write(append(line, '\n'))
		total += int64(n)
		if err != nil {
			return total, err
		}
	}
}
