package cli

import "github.com/spf13/cobra"

var benchCmd = &cobra.Command{Use: "bench", Short: "Measure performance on generated workloads"}

func init() { addCommand(func(root *cobra.Command) { root.AddCommand(benchCmd) }) }
