package doctor

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText writes r for a terminal: one table row per check, then the
// reason and the fix for each check that did not pass, then what Apply
// changed. With verbose, every check's note is written, passing ones too.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "evshim doctor: %d connections", r.Conns)
	if r.Rate > 0 {
		fmt.Fprintf(bw, ", %d new connections per second", r.Rate)
	}
	if r.Role != "" {
		fmt.Fprintf(bw, ", role %s", r.Role)
	}
	fmt.Fprintf(bw, "\nmachine: %s\n\n", r.Facts)

	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tSETTING\tVALUE\tNEED")
	for _, c := range r.Checks {
		need := c.Need
		if need == "" {
			need = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", statusLabel(c.Status), c.Name, c.Value, need)
	}
	tw.Flush()

	for _, c := range r.Checks {
		if !verbose && c.Status != Warn && c.Status != Fail {
			continue
		}
		if c.Note == "" && len(c.Fix) == 0 {
			continue
		}
		fmt.Fprintf(bw, "\n%s %s\n", statusLabel(c.Status), c.Name)
		if c.Note != "" {
			wrap(bw, "  ", c.Note, 100)
		}
		for _, f := range c.Fix {
			fmt.Fprintf(bw, "  fix: %s\n", f)
		}
	}

	fmt.Fprintf(bw, "\n%d failed, %d warnings, %d ok, %d skipped.\n",
		r.Count(Fail), r.Count(Warn), r.Count(OK), r.Count(Skip))
	if len(r.Applied) > 0 {
		fmt.Fprintln(bw, "\napplied (until reboot; each change's persist line makes it permanent):")
		for _, ch := range r.Applied {
			switch {
			case ch.Done:
				fmt.Fprintf(bw, "  changed  %s: %s -> %s (now %s)\n", ch.Name, ch.From, ch.To, ch.After)
				fmt.Fprintf(bw, "           why: %s\n", ch.Reason)
				fmt.Fprintf(bw, "           persist: %s\n", sysctlFix(ch.Name, ch.To)[1])
			case ch.To != "":
				fmt.Fprintf(bw, "  not set  %s: %s, stays %s (%s considered)\n", ch.Name, ch.From, ch.After, ch.To)
				if ch.Reason != "" {
					fmt.Fprintf(bw, "           wanted: %s\n", ch.Reason)
				}
				fmt.Fprintf(bw, "           why not: %s\n", ch.Why)
			default:
				fmt.Fprintf(bw, "  not set  %s: %s\n", ch.Name, ch.Why)
			}
		}
	}
	return bw.Flush()
}

// statusLabel is the status as the table shows it: failures stand out.
func statusLabel(s Status) string {
	if s == Fail {
		return "FAIL"
	}
	return s.String()
}

// wrap writes text as lines of at most width bytes, each after indent.
func wrap(w io.Writer, indent, text string, width int) {
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			fmt.Fprintln(w, line)
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		fmt.Fprintln(w, line)
	}
}
