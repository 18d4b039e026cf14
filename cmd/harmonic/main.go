package main

import (
	"fmt"
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

func usage() {
	fmt.Fprintln(os.Stderr, "usage: harmonic COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\nrun 'harmonic COMMAND -h' for the flags of one command")
}

func main() {
	if len(os.Args) < 2 || os.Args[1] == "-h" || os.Args[1] == "--help" || os.Args[1] == "help" {
		usage()
		os.Exit(2)
	}
	c, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "harmonic: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	if err := c.run(os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "harmonic %s: %v\n", c.name, err)
		os.Exit(1)
	}
}
