// Package pgtemp runs a throwaway PostgreSQL for a scenario's services:
// initdb and postgres -k in a fresh temporary directory, on a loopback
// port, with a database "oomlab" owned by the role "oomlab" and trusted on
// loopback, durability off (fsync, synchronous_commit) since nothing in it
// outlives the run. Run as root, the server runs as an unprivileged user
// ("postgres", else "nobody"), as PostgreSQL requires.
//
// Run is the whole life of a guard process (`oomlab service postgres`,
// started by the runner): it stops the server and removes the directory
// when its ctx ends, which the guard ties to SIGTERM and to its parent's
// death, so neither a process nor a data directory outlives a harness that
// was interrupted or killed. The server itself gets SIGKILL should the
// guard die first (Pdeathsig).
//
// It imports pgx (to create the database and to know the server is
// ready); it knows nothing of scenarios or results.
package pgtemp
