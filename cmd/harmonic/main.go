package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand. Each lives in its own file and adds itself to
// commands with `var _ = register(command{...})`.
type command struct {
	name    string
	summary string
	run     func(args []string) error
}

var commands = map[string]command{}

func register(c command) struct{} {
	commands[c.name] = c
	return struct{}{}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: harmonic COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nrun 'harmonic COMMAND -h' (or 'harmonic help COMMAND') for the flags of one command")
}

// Exit codes: a usage error (unknown command, bad flag) is 2, as the flag
// package and the go command have it; an explicit request for help is a
// success.
const (
	exitOK       = 0
	exitFailed   = 1
	exitUsageErr = 2
)

func main() { os.Exit(run(os.Args[1:])) }

// run is the whole program on its arguments (without the program name);
// it returns the exit code. Help asked for goes to stdout, everything
// else to stderr.
func run(args []string) int {
	if len(args) == 0 {
		usage(os.Stderr)
		return exitUsageErr
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(os.Stdout)
		return exitOK
	case "help":
		if len(args) == 1 {
			usage(os.Stdout)
			return exitOK
		}
		args = []string{args[1], "-h"} // harmonic help COMMAND
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "harmonic: unknown command %q\n\n", args[0])
		usage(os.Stderr)
		return exitUsageErr
	}
	err := c.run(args[1:])
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(os.Stderr, "harmonic %s: %v\nrun 'harmonic %s -h' for its usage\n", c.name, err, c.name)
		return exitUsageErr
	default:
		fmt.Fprintf(os.Stderr, "harmonic %s: %v\n", c.name, err)
		return exitFailed
	}
}

// usageError is a command line the command cannot parse (a flag it does
// not know, a malformed value, a missing subcommand): exit code 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// parseFlags parses args with fs. For -h or --help it prints the usage on
// stdout and returns flag.ErrHelp (run exits 0); a parse error comes back
// as a usageError (run prints it with a pointer to -h and exits 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard) // the flag package would print the usage on stderr
	err := fs.Parse(args)
	fs.SetOutput(os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(os.Stdout)
		fs.Usage() // the flag package's default or the command's own
		fs.SetOutput(os.Stderr)
		return flag.ErrHelp
	case err != nil:
		return usageError{err}
	}
	return nil
}
