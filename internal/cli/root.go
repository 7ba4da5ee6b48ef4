// Package cli holds the cobra command tree of the techmarket binary. Each
// capability contributes its commands in its own file through addCommand, so the
// tree grows without one file knowing every command.
package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// registrations are filled by init functions in this package's files.
var registrations []func(root *cobra.Command)

// addCommand registers a function that attaches commands to the root command.
func addCommand(f func(root *cobra.Command)) { registrations = append(registrations, f) }

// exitError carries a specific exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// newRoot builds the whole command tree.
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "techmarket",
		Short:         "techmarket — an open technology-market platform (listings, matching, deals, registration, settlement)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, f := range registrations {
		f(root)
	}
	return root
}

// Execute runs the command line and returns the process exit code.
func Execute(args []string) int {
	root := newRoot()
	root.SetArgs(args)
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "techmarket:", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return 1
	}
	return 0
}
