// Package format writes figures and text for every output of a report,
// one rule per figure: sizes in MiB, rates, slopes, latencies, durations,
// percents and plurals; and escapes text for where it goes (Markdown,
// the terminal, XML), since any string from a file or a target may hold
// anything.
//
// It imports nothing of oomlab, and no plotting library: the judge, the
// plots and the renderers all use it.
package format
