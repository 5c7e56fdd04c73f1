// Package web serves a run to browsers as it happens: one page, every
// script and style embedded in the binary (no network), that draws each
// target's memory against time with the stages and phases, the limit, an
// OOM mark the moment a target is killed, and the verdicts at the end. The
// run streams as Server-Sent Events; a browser that connects late, or
// reconnects, first gets the history.
//
// The view must never slow the run. The Hub's Recorder methods encode a
// message and offer it to each client's bounded buffer without waiting; a
// client whose buffer is full is dropped (its browser reconnects and gets
// the history). The history is bounded too: past a fixed number of points
// per target, every other point is dropped, so a long run keeps its shape
// in fixed memory.
//
// web imports runner/results only: never runner, report, Vegeta or os/exec.
package web
