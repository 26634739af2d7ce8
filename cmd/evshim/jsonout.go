package main

import (
	"encoding/json"
	"io"
)

// writeJSON writes v as indented JSON: what the -json flags of evshim
// bench, bench load and doctor print, and the sweep's sweep.json.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // keep ">=" readable for jq and eyes
	return enc.Encode(v)
}
