package reports

import (
	"strings"

	"github.com/etcdtune/etcdtune/fault"
)

// Format is one value of -o/--output: its name, what the flag's help says
// of it, and the function that writes it.
type Format[W any] struct {
	Name string
	// Note follows the name in the flag's help, in parentheses ("" for none).
	Note  string
	Write W
}

// Formats is the table of one kind of output. The flag's help, the check
// of its value and the choice of writer all come from it, so a format is
// added in one place. The first format is the default.
type Formats[W any] []Format[W]

// Default is the name of the first format.
func (fs Formats[W]) Default() string { return fs[0].Name }

// Names lists the formats as the error and the help say them:
// "table, md, json or junit".
func (fs Formats[W]) Names() string { return fs.list(false) }

// Help is the -o flag's help text; tail, when not "", ends it, as in
// " (the result file)".
func (fs Formats[W]) Help(tail string) string { return "output format: " + fs.list(true) + tail }

// Writer is the writer of the format called name; a name the table does
// not hold is bad input, the error naming the formats it does.
func (fs Formats[W]) Writer(name string) (W, error) {
	for _, f := range fs {
		if f.Name == name {
			return f.Write, nil
		}
	}
	var none W
	return none, fault.Inputf("unknown --output %q: use %s", name, fs.Names())
}

// Check refuses a name the table does not hold, before anything runs.
func (fs Formats[W]) Check(name string) error {
	_, err := fs.Writer(name)
	return err
}

// list joins the names with commas and a last "or", with their notes when
// notes is set.
func (fs Formats[W]) list(notes bool) string {
	var b strings.Builder
	for i, f := range fs {
		switch {
		case i == 0:
		case i == len(fs)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(f.Name)
		if notes && f.Note != "" {
			b.WriteString(" (" + f.Note + ")")
		}
	}
	return b.String()
}
