package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/etcdtune/etcdtune/fault"
	"github.com/etcdtune/etcdtune/reports"
	"github.com/etcdtune/etcdtune/result"
)

// ResultFile is the result's name in the report folder.
const ResultFile = "result.json"

// PrepareDir makes the report folder before the run, so that a folder
// that cannot be used is refused before minutes of load rather than after.
// An existing folder with anything in it is an earlier run's: refused
// unless force. created says whether the folder is new.
func PrepareDir(dir string, force bool) (created bool, err error) {
	empty, err := isEmptyDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		created = true
	case err != nil:
		return false, fault.Inputf("--dir %s: %v", dir, err)
	case !empty && !force:
		return false, fault.Inputf("--dir %s already holds files (an earlier run?); choose another --dir, or pass --force to overwrite it", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fault.Inputf("--dir %s: %v", dir, err)
	}
	return created, nil
}

func isEmptyDir(dir string) (bool, error) {
	f, err := os.Open(dir)
	if err != nil {
		return false, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.IsDir() {
		return false, fmt.Errorf("not a folder")
	}
	_, err = f.Readdirnames(1)
	if errors.Is(err, io.EOF) {
		return true, nil
	}
	return false, err
}

// WriteOutputs writes result.json, then the report, into dir. The result
// goes first: it is what the report and every later command read, so it
// must survive a report that fails.
func WriteOutputs(dir string, res *result.Result) error {
	if err := result.WriteFile(filepath.Join(dir, ResultFile), res); err != nil {
		return err
	}
	return reports.WriteReport(dir, res)
}
