package report

// writeAll judges the runs once and writes every output, as the CLI does.
func writeAll(runs []*Run, dir string) (Files, error) {
	verdicts := JudgeRuns(runs)
	var all []Verdict
	for _, vs := range verdicts {
		all = append(all, vs...)
	}
	return WriteAll(runs, verdicts, GateOf(all), dir)
}
