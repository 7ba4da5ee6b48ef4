//go:build !linux

package cli

import (
	"errors"
	"os"
)

// isTerminal is false where echo cannot be switched off portably without a
// terminal library; passwords are then read as a line of standard input (pipe
// them in, or use TECHMARKET_PASSWORD).
func isTerminal(*os.File) bool { return false }

func readHiddenLine(*os.File) (string, error) {
	return "", errors.New("hidden input is not supported on this system")
}
