package main

import (
	"net"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// addrHint catches `--ui 127.0.0.1:9000` and `--serve :9000`: a flag
// whose value is optional (NoOptDefVal: --ui alone means 127.0.0.1:8080)
// takes its value only after "=", so the address became a positional
// argument and the flag its default. When such a flag was given without
// a value and an argument looks like an address, it returns the usage
// error that says so; nil otherwise.
func addrHint(cmd *cobra.Command, args []string) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if err != nil || f.NoOptDefVal == "" || f.Value.String() != f.NoOptDefVal {
			return
		}
		for _, a := range args {
			if looksLikeAddr(a) {
				err = usage(cmd, "%q was read as an argument, not as the address of --%s (which takes its address after \"=\"; alone it means %s): did you mean --%s=%s?",
					a, f.Name, f.NoOptDefVal, f.Name, a)
				return
			}
		}
	})
	return err
}

// looksLikeAddr reports whether s reads as a listen address: HOST:PORT,
// :PORT or a bare port number — never a scenario name or file path.
func looksLikeAddr(s string) bool {
	if strings.ContainsAny(s, "/\\ ") {
		return false
	}
	port := s
	if strings.Contains(s, ":") {
		var err error
		if _, port, err = net.SplitHostPort(s); err != nil {
			return false
		}
	}
	n, err := strconv.Atoi(port)
	return err == nil && n > 0 && n <= 65535 && port == strconv.Itoa(n)
}
