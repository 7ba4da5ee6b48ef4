package cli

import "github.com/spf13/cobra"

var evalCmd = &cobra.Command{Use: "eval", Short: "Measure quality on reference data"}

func init() { addCommand(func(root *cobra.Command) { root.AddCommand(evalCmd) }) }
