package runner

import "fmt"

func ptr[T any](v T) *T { return &v }

// mib formats bytes as MiB with one decimal.
func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
