package main

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/oomlab/oomlab/scenarios"
)

//go:embed starter/scenario.yaml.tmpl
var starterTemplate string

// defaultStarterCommand stands in for the user's command when none is given.
const defaultStarterCommand = "./server"

func newInitCmd() *cobra.Command {
	var command, out, name string
	cmd := &cobra.Command{
		Use:   "init [--command CMD] [-o FILE]",
		Short: "Write a commented starter scenario for your own server (oomlab.yaml)",
		Long: `init writes a starter scenario for your own server: your command as one
target, oomlab's backpressure-aware upload proxy as the reference, the
upload-proxy load, a slow downstream and expectations, every field
commented. It validates and runs as written; edit it from there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			text, err := renderStarter(command, name, out)
			if err != nil {
				return &exitError{code: exitBadInput, err: err}
			}
			if out == "-" {
				_, err := io.WriteString(cmd.OutOrStdout(), text)
				return err
			}
			if err := writeNew(out, text); err != nil {
				return &exitError{code: exitBadInput, err: err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s: check it with `oomlab validate %s`, run it with `oomlab run %s`\n", out, out, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&command, "command", defaultStarterCommand, "how you start your server, split into words like a shell would (no shell runs)")
	cmd.Flags().StringVarP(&out, "output", "o", "oomlab.yaml", "file to write (it must not exist), - for stdout")
	cmd.Flags().StringVar(&name, "name", "my-service", "scenario name (names the output folders)")
	return cmd
}

// renderStarter fills the starter template and checks that the result
// parses, so that what init writes validates as written.
func renderStarter(command, name, file string) (string, error) {
	words, err := scenarios.SplitWords(command)
	if err != nil || len(words) == 0 {
		return "", fmt.Errorf("init: --command %q: want a command, split into words like a shell would (%v)", command, err)
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = strconv.Quote(w) // a JSON string is a YAML double-quoted scalar
	}
	if file == "-" || file == "" {
		file = "oomlab.yaml"
	}
	var b strings.Builder
	err = template.Must(template.New("starter").Parse(starterTemplate)).Execute(&b, map[string]string{
		"Name": name, "Command": "[" + strings.Join(quoted, ", ") + "]", "File": file, "Schema": scenarios.SchemaID,
	})
	if err != nil {
		return "", fmt.Errorf("init: %w", err)
	}
	if _, err := scenarios.Parse(file, strings.NewReader(b.String())); err != nil {
		return "", fmt.Errorf("init: the starter does not validate: %w", err)
	}
	return b.String(), nil
}

// writeNew creates path, which must not exist (nor be a link), and writes
// text into it.
func writeNew(path, text string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("init: %s exists; remove it or write elsewhere with -o FILE", path)
	}
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	_, err = io.WriteString(f, text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(filepath.Clean(path))
		return fmt.Errorf("init: writing %s: %w", path, err)
	}
	return nil
}
