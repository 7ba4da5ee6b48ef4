// Command techmarket is the single binary of the techmarket platform: the server,
// the operator's admin tools and a scripting client for the REST API.
package main

import (
	"os"

	"github.com/techmarket-org/techmarket/internal/cli"
)

func main() {
	os.Exit(cli.Execute(os.Args[1:]))
}
