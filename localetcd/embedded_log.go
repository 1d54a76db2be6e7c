package localetcd

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"

	"go.etcd.io/etcd/client/pkg/v3/logutil"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// etcdLog is the zap logger handed to embed, and what it writes to.
//
// etcd would build a logger itself from LogOutputs, but it never closes the
// files it opens (one leaked descriptor per start) and it panics on an
// unknown level; building it here avoids both. The encoding is etcd's own
// (JSON, same keys and time format), so a log file reads like a process's.
type etcdLog struct {
	logger *zap.Logger
	file   *os.File // nil when logging to stderr
	muted  *atomic.Bool
}

// newEtcdLog logs at level to file, or to stderr (os.Stderr when nil) when
// file is empty.
func newEtcdLog(level, file string, stderr io.Writer) (*etcdLog, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("etcd log level: %w", err)
	}
	l := &etcdLog{muted: new(atomic.Bool)}
	enc := zapcore.NewJSONEncoder(logutil.DefaultZapLoggerConfig.EncoderConfig)
	if file == "" {
		if stderr == nil {
			stderr = os.Stderr
		}
		sink := zapcore.Lock(zapcore.AddSync(stderr))
		core := terminalCore{Core: zapcore.NewCore(enc, sink, lvl), muted: l.muted}
		l.logger = zap.New(core, zap.AddCaller(), zap.ErrorOutput(sink))
		return l, nil
	}
	if l.file, err = os.OpenFile(file, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
		return nil, fmt.Errorf("etcd log file: %w", err)
	}
	sink := zapcore.Lock(l.file)
	l.logger = zap.New(zapcore.NewCore(enc, sink, lvl), zap.AddCaller(), zap.ErrorOutput(sink))
	return l, nil
}

// muteTerminal silences a stderr logger for good. It is called when a stop
// begins: embed logs every listener it closes as an error ("setting up
// serving from embedded etcd failed ... use of closed network connection"),
// and cluster peers log each other's departure, which is noise on a
// terminal. A log file keeps everything.
func (l *etcdLog) muteTerminal() { l.muted.Store(true) }

// close closes the log file, if any.
func (l *etcdLog) close() error {
	if l.file == nil {
		return nil
	}
	return l.file.Close()
}

// benignStartupErrors are messages etcd logs at error level in normal
// operation, which a terminal must not show as if something were wrong.
var benignStartupErrors = map[string]bool{
	// etcd 3.6: the storage version monitor can run on a new member before
	// the backend holds a raft term ("missing term information"); it
	// succeeds on its next round.
	"failed to update storage version": true,
}

// terminalCore is the stderr core: it drops everything once muted, and
// etcd's benign errors always.
type terminalCore struct {
	zapcore.Core
	muted *atomic.Bool
}

// Check skips muted and benign entries, otherwise defers to the wrapped core.
func (c terminalCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.muted.Load() || benignStartupErrors[e.Message] {
		return ce
	}
	return c.Core.Check(e, ce)
}

// With keeps the wrapper around loggers derived with fields.
func (c terminalCore) With(fields []zapcore.Field) zapcore.Core {
	return terminalCore{Core: c.Core.With(fields), muted: c.muted}
}
