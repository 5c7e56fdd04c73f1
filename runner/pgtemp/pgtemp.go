package pgtemp

import (
	"errors"
	"io"
	"time"
)

// ReadyLine is printed on Config.Out once the database accepts
// connections; the runner waits for it.
const ReadyLine = "oomlab-service ready"

// DirPrefix starts the name of every temporary directory Run makes (under
// os.TempDir()).
const DirPrefix = "oomlab-pg-"

// shutdownGrace bounds a fast shutdown before the server is killed.
const shutdownGrace = 10 * time.Second

// ErrNotInstalled is returned when initdb or postgres cannot be found.
var ErrNotInstalled = errors.New("pgtemp: PostgreSQL is not installed (initdb and postgres not in PATH nor in /usr/lib/postgresql/*/bin; Debian: apt-get install postgresql)")

// Config is what Run needs.
type Config struct {
	// Port is the loopback port to listen on (> 0).
	Port int
	// Out receives ReadyLine; Log the server's and initdb's output.
	Out, Log io.Writer
	// MaxConnections is the server's max_connections (default 100).
	MaxConnections int
}
