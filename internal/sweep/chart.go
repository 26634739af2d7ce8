package sweep

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
)

// The chart's geometry in SVG user units.
const (
	chartW, chartH = 760, 440
	padL, padR     = 80, 170 // the right margin holds the legend
	padT, padB     = 50, 60
)

// lineColors are the servers' colors, in Servers order; they repeat
// after six servers.
var lineColors = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"}

// WriteSVG draws the requests per second of every server against
// concurrency for one connection mode, in the manner of the 2010 article's
// figure: one polyline per server, concurrency on a log scale. A point
// with failed requests gets a ring and a label with their count (summed
// over rounds). The SVG is written by hand: a line chart needs no library.
func (r *Report) WriteSVG(w io.Writer, keepAlive bool) error {
	var rows []Row
	maxRPS := 0.0
	for _, row := range r.Summary {
		if row.KeepAlive == keepAlive {
			rows = append(rows, row)
			maxRPS = max(maxRPS, row.RPS)
		}
	}
	lo, hi := math.Log10(float64(r.Levels[0])), math.Log10(float64(r.Levels[len(r.Levels)-1]))
	if hi == lo {
		lo, hi = lo-0.5, hi+0.5
	}
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	x := func(c int) float64 { return padL + (math.Log10(float64(c))-lo)/(hi-lo)*plotW }
	yStep := niceStep(maxRPS / 5)
	yMax := math.Max(yStep, math.Ceil(maxRPS/yStep)*yStep)
	y := func(v float64) float64 { return padT + plotH - v/yMax*plotH }

	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">
<rect width="100%%" height="100%%" fill="white"/>
`, chartW, chartH, chartW, chartH)
	mode := "keep-alive"
	if !keepAlive {
		mode = "new connection per request"
	}
	fmt.Fprintf(&b, "<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>\n", padL,
		esc(fmt.Sprintf("Hello world, %s: requests/s (median of %d rounds of %v) vs concurrency", mode, r.Rounds, r.Duration)))
	fmt.Fprintf(&b, "<text x=\"%d\" y=\"40\" fill=\"#555\">%s</text>\n", padL,
		esc(fmt.Sprintf("client and server on one %d-core machine; rings: failed requests (sum over rounds)", r.Facts.Cores)))

	// Axes, grid and ticks.
	b.WriteString(`<g stroke="#ccc">` + "\n")
	for v := 0.0; v <= yMax+yStep/2; v += yStep {
		fmt.Fprintf(&b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", padL, y(v), padL+plotW, y(v))
	}
	for _, c := range r.Levels {
		fmt.Fprintf(&b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x(c), padT, x(c), padT+plotH)
	}
	b.WriteString("</g>\n")
	for v := 0.0; v <= yMax+yStep/2; v += yStep {
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", padL-6, y(v)+4, thousands(v))
	}
	for _, c := range r.Levels {
		fmt.Fprintf(&b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n", x(c), padT+plotH+18, c)
	}
	fmt.Fprintf(&b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">concurrent connections (log scale)</text>\n", padL+plotW/2, chartH-14)
	fmt.Fprintf(&b, "<text transform=\"translate(18 %.1f) rotate(-90)\" text-anchor=\"middle\">requests per second</text>\n", padT+plotH/2)

	// One polyline per server, then its error rings, then its legend entry.
	for i, s := range r.Servers {
		color := lineColors[i%len(lineColors)]
		var pts []string
		var rings strings.Builder
		for _, row := range rows {
			if row.Server != s.Name {
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(row.Concurrency), y(row.RPS)))
			if row.Failed > 0 {
				fmt.Fprintf(&rings, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"><title>%s</title></circle>\n",
					x(row.Concurrency), y(row.RPS), color, esc(fmt.Sprintf("%s c=%d: %d failed", s.Name, row.Concurrency, row.Failed)))
				fmt.Fprintf(&rings, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\" font-size=\"10\">%d failed</text>\n",
					x(row.Concurrency)+9, y(row.RPS)-9, color, row.Failed)
			}
		}
		if len(pts) == 0 {
			continue
		}
		fmt.Fprintf(&b, "<polyline data-server=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" points=\"%s\"/>\n",
			esc(s.Name), color, strings.Join(pts, " "))
		for _, p := range pts {
			xy := strings.Split(p, ",")
			fmt.Fprintf(&b, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>\n", xy[0], xy[1], color)
		}
		b.WriteString(rings.String())
		ly := padT + 10 + 22*i
		fmt.Fprintf(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2.5\"/>\n",
			chartW-padR+16, ly, chartW-padR+40, ly, color)
		fmt.Fprintf(&b, "<text x=\"%d\" y=\"%d\">%s</text>\n", chartW-padR+46, ly+4, esc(s.Name))
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// niceStep rounds v up to 1, 2 or 5 times a power of ten, for axis ticks.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// thousands formats v without decimals and with thin separators: 120000
// is "120,000".
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// esc escapes s for SVG text and attribute values.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
