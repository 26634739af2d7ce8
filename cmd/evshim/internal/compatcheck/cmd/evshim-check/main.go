// Command evshim-check runs the compatcheck analyzer under go vet:
//
//	go build -o evshim-check ./internal/compatcheck/cmd/evshim-check
//	go vet -vettool=$PWD/evshim-check ./...
//
// go vet then reports, for every package it checks, what still bypasses the
// evshim event loop. The -compatcheck.only flag narrows the report to some
// kinds of finding (imports, calls, assertions). For the same analysis
// without go vet, with JSON output and evshim's exit statuses, run
// "evshim check".
package main

import (
	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/evshim/evshim/cmd/evshim/internal/compatcheck"
)

func main() { unitchecker.Main(compatcheck.Analyzer) }
