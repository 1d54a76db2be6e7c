package localetcd

import (
	"path/filepath"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func TestEtcdLogToFileKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "etcd.log")
	l, err := newEtcdLog("info", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.logger.Info("before")
	l.muteTerminal() // only stderr is ever muted
	l.logger.Error("failed to update storage version")
	l.logger.Debug("below the level")
	if err := l.close(); err != nil {
		t.Fatal(err)
	}
	assertFileContains(t, path, `"msg":"before"`)
	assertFileContains(t, path, `"msg":"failed to update storage version"`)
	assertFileLacks(t, path, "below the level")
}

func TestTerminalCoreDropsMutedAndBenignEntries(t *testing.T) {
	l, err := newEtcdLog("info", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if ce := l.logger.Check(zapcore.ErrorLevel, "failed to update storage version"); ce != nil {
		t.Error("benign error would reach the terminal")
	}
	if ce := l.logger.Check(zapcore.ErrorLevel, "real trouble"); ce == nil {
		t.Error("a real error would not reach the terminal")
	}
	l.muteTerminal()
	if ce := l.logger.With(zap.String("k", "v")).Check(zapcore.ErrorLevel, "real trouble"); ce != nil {
		t.Error("muted terminal still logs")
	}
}

func TestNewEtcdLogRejectsBadLevel(t *testing.T) {
	if _, err := newEtcdLog("loud", "", nil); err == nil {
		t.Error("want an error for an unknown level")
	}
}
