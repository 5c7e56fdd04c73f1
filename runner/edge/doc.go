// Package edge finds a target's breaking point: the highest constant rate
// it holds under a scenario's downstream — memory bounded (RSS slope and
// time to the limit), enough answered (success ratio, or the downstream's
// goodput when the target sheds), p95 under a ceiling.
//
// Search is the search itself, pure and deterministic: it asks a Prober
// for one rate at a time, doubling from a start rate until a probe fails,
// then bisecting between the highest rate held and the lowest that failed
// until they are within a resolution. A probe the load generator could
// not offer in full is no evidence: retried, then the search stops, and a
// target that held every rate judged (or the search's ceiling) gets a
// lower bound, never an edge. Judge decides one probe from its
// figures. Runner is the Prober that runs each probe as a one-stage,
// one-target scenario through runner.Run (a fresh process, a fresh cgroup
// and a fresh downstream each time), so the run loop exists once.
package edge
