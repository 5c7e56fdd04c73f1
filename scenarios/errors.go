package scenarios

import (
	"errors"
	"fmt"
	"sort"
	"unicode/utf8"
)

// ErrInvalid matches, through errors.Is, every *Error: a problem in what a
// scenario says rather than in reading it. The CLI exits with code 2 for it.
var ErrInvalid = errors.New("scenarios: invalid scenario")

// ErrNoBuiltin is wrapped by the error Builtin returns for an unknown name.
var ErrNoBuiltin = errors.New("scenarios: no such builtin scenario")

// maxErrors bounds how many problems one Parse reports.
const maxErrors = 50

// Error is one problem in a scenario file. Parse returns one *Error, or
// several joined with errors.Join so that a file can be fixed in one go;
// errors.As finds the first, and errors.Is(err, ErrInvalid) holds for all.
type Error struct {
	// File is the name given to Parse (the path for LoadFile).
	File string
	// Line and Column locate the problem, counted from 1; 0 when unknown.
	Line, Column int
	// Field is a dotted path to the offending key ("load.stages[2].rate");
	// empty for problems with the document as a whole.
	Field string
	// Msg says what is wrong and, where it can, how to fix it.
	Msg string
}

// Error formats the problem as "file:line: field: msg".
func (e *Error) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	return s + ": " + e.Msg
}

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// IsInvalid reports whether err is, or wraps, a problem in a scenario's
// content (an *Error) rather than a failure to read it.
func IsInvalid(err error) bool { return errors.Is(err, ErrInvalid) }

// problems collects *Errors in a bounded list.
type problems struct {
	file  string
	list  []*Error
	total int // problems found, kept or not
}

func (p *problems) add(line, col int, field, format string, args ...any) {
	if p.total++; len(p.list) >= 2*maxErrors {
		return
	}
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = truncate(s)
		}
	}
	p.list = append(p.list, &Error{File: p.file, Line: line, Column: col, Field: truncate(field), Msg: fmt.Sprintf(format, args...)})
}

// maxQuote bounds, in bytes, each value an error message quotes: a 1 MiB
// value gives a line of error, not a megabyte.
const maxQuote = 200

// truncate cuts s to maxQuote bytes on a rune boundary, saying how long
// it was.
func truncate(s string) string {
	if len(s) <= maxQuote {
		return s
	}
	cut := maxQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:cut], len(s))
}

// err returns nil, the single *Error, or the problems joined in file order,
// at most maxErrors of them.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	sort.SliceStable(p.list, func(i, j int) bool {
		a, b := p.list[i], p.list[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	list := p.list
	if len(list) > maxErrors {
		last := list[maxErrors-1]
		list = append(list[:maxErrors-1:maxErrors-1], &Error{File: p.file, Line: last.Line, Msg: fmt.Sprintf("too many problems (%d); fix these first", p.total)})
	}
	if len(list) == 1 {
		return list[0]
	}
	errs := make([]error, len(list))
	for i, e := range list {
		errs[i] = e
	}
	return errors.Join(errs...)
}
