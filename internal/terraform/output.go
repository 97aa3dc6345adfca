package terraform

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
)

// lineLogger is an io.Writer that logs each complete line it receives as one slog record
// at Info: msg "terraform", with the subcommand ("cmd"), the stream and the scrubbed line.
// A partial last line waits for more input or for Flush.
type lineLogger struct {
	mu     sync.Mutex
	log    *slog.Logger
	stream string
	scrub  func(string) string
	cmd    string
	muted  bool
	buf    []byte
}

func newLineLogger(log *slog.Logger, stream string, scrub func(string) string) *lineLogger {
	return &lineLogger{log: log, stream: stream, scrub: scrub}
}

// setCommand labels the lines that follow, and unmutes.
func (l *lineLogger) setCommand(cmd string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmd, l.muted, l.buf = cmd, false, l.buf[:0]
}

// mute drops output until the next setCommand (show -json would log the whole plan).
func (l *lineLogger) mute() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.muted = true
}

// unmute resumes logging.
func (l *lineLogger) unmute() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.muted = false
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.muted {
		return len(p), nil
	}
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// Flush logs a partial last line.
func (l *lineLogger) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 && !l.muted {
		l.emit(string(l.buf))
	}
	l.buf = l.buf[:0]
}

func (l *lineLogger) emit(line string) {
	line = strings.TrimRight(line, "\r \t")
	if strings.TrimSpace(line) == "" {
		return
	}
	l.log.LogAttrs(context.Background(), slog.LevelInfo, "terraform",
		slog.String("cmd", l.cmd), slog.String("stream", l.stream), slog.String("line", l.scrub(line)))
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = t.buf[:0]
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
