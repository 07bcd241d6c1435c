// Command packaging builds the agent's .deb and .rpm packages with nfpm,
// from a Linux agent binary built beforehand (make agent-packages).
//
// It is a module of its own so that nfpm and its dependencies stay out of
// the agent's go.mod: the agent binary is built exactly as without it.
//
//	go run . -binary bin/agents/certinel-agent-linux-amd64 -arch amd64 -version "$(git describe)" -out bin/agents
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	var o Options
	flag.StringVar(&o.Binary, "binary", "", "the agent built for linux/ARCH")
	flag.StringVar(&o.Arch, "arch", "", "amd64 or arm64")
	flag.StringVar(&o.Version, "version", "", "`git describe` output; made valid for dpkg and rpm")
	flag.StringVar(&o.OutDir, "out", ".", "directory the packages are written to")
	flag.Parse()
	if o.Binary == "" || o.Arch == "" || o.Version == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	for _, format := range Formats {
		path, err := Build(o, format)
		if err != nil {
			fmt.Fprintf(os.Stderr, "packaging: %v\n", err)
			os.Exit(1)
		}
		fmt.Println(path)
	}
}
