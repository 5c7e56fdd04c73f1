//go:build linux

package pgtemp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Bin finds a PostgreSQL program: in PATH, else the newest
// /usr/lib/postgresql/VERSION/bin (Debian puts it there).
func Bin(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Slice(matches, func(i, j int) bool { return version(matches[i]) > version(matches[j]) })
	if len(matches) > 0 {
		return matches[0], nil
	}
	return "", ErrNotInstalled
}

// version is the major version in /usr/lib/postgresql/VERSION/bin/name.
func version(path string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(path))))
	return v
}

// GuardParent reports whether the harness that started this guard is
// still there (the guard's parent is not init). The harness starts the
// guard with SIGTERM as its parent-death signal, so Run's ctx ends and
// cleans up even when the harness is SIGKILLed. (The signal cannot be set
// from here: Pdeathsig belongs to a thread, and the one the harness set
// is on this process's main thread.)
func GuardParent() bool { return os.Getppid() != 1 }

// Run creates the directory, initialises and starts the server, creates
// the database, writes ReadyLine to cfg.Out, and then waits for ctx to
// end: it stops the server (fast shutdown, SIGKILL after 10s) and removes
// the directory before it returns, also when it fails part way.
func Run(ctx context.Context, cfg Config) (err error) {
	if cfg.Port <= 0 {
		return errors.New("pgtemp: no port")
	}
	if cfg.MaxConnections == 0 {
		cfg.MaxConnections = 100
	}
	initdb, err := Bin("initdb")
	if err != nil {
		return err
	}
	postgres, err := Bin("postgres")
	if err != nil {
		return err
	}
	cred, err := credential()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", DirPrefix)
	if err != nil {
		return fmt.Errorf("pgtemp: %w", err)
	}
	defer func() {
		if rerr := os.RemoveAll(dir); rerr != nil && err == nil {
			err = fmt.Errorf("pgtemp: removing %s: %w", dir, rerr)
		}
	}()
	if cred != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return fmt.Errorf("pgtemp: %w", err)
		}
	}
	data := filepath.Join(dir, "data")
	ictx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := run(ictx, cfg.Log, cred, initdb, "-D", data, "-U", "oomlab", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"); err != nil {
		return fmt.Errorf("pgtemp: initdb: %w", err)
	}
	srv, err := start(cfg.Log, cred, postgres, "-D", data, "-k", dir, "-h", "127.0.0.1", "-p", strconv.Itoa(cfg.Port),
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections="+strconv.Itoa(cfg.MaxConnections), "-c", "shared_buffers=32MB")
	if err != nil {
		return fmt.Errorf("pgtemp: postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	defer stop(srv, exited)

	if err := createDB(ctx, cfg.Port, exited); err != nil {
		return err
	}
	fmt.Fprintln(cfg.Out, ReadyLine)
	select {
	case <-ctx.Done():
		return nil
	case werr := <-exited:
		exited <- werr // for stop
		return fmt.Errorf("pgtemp: postgres exited: %v", werr)
	}
}

// credential is the user the server runs as: nil (this one) unless root,
// then "postgres", else "nobody".
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("pgtemp: running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")
}

// command builds a child running as cred in its own process group, killed
// if this process dies.
func command(log io.Writer, cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: cred}
	return cmd
}

// startLocked starts cmd from a goroutine locked to its thread: Pdeathsig
// belongs to the forking thread, which must live as long as this process
// (the runtime never ends an unlocked pooled thread).
func startLocked(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		errc <- cmd.Start()
	}()
	return <-errc
}

// run runs a program to its end, killing its group when ctx ends.
func run(ctx context.Context, log io.Writer, cred *syscall.Credential, name string, args ...string) error {
	cmd := command(log, cred, name, args...)
	if err := startLocked(cmd); err != nil {
		return err
	}
	stopWatch := context.AfterFunc(ctx, func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	defer stopWatch()
	return cmd.Wait()
}

// start starts the server.
func start(log io.Writer, cred *syscall.Credential, name string, args ...string) (*exec.Cmd, error) {
	cmd := command(log, cred, name, args...)
	return cmd, startLocked(cmd)
}

// stop shuts the server down fast (SIGINT: clients disconnected, no
// checkpoint wait), then kills its group if it is not gone within
// shutdownGrace. exited delivers Wait's result.
func stop(srv *exec.Cmd, exited chan error) {
	_ = srv.Process.Signal(syscall.SIGINT)
	t := time.NewTimer(shutdownGrace)
	defer t.Stop()
	select {
	case <-exited:
	case <-t.C:
		_ = syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	// Backends are in the server's group; none outlives it, but make sure.
	_ = syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
}

// createDB connects to the server until it answers (or exits, or ctx
// ends, or two minutes pass), then creates the database "oomlab".
func createDB(ctx context.Context, port int, exited chan error) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	url := fmt.Sprintf("postgres://oomlab@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=5", port)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			_, err = conn.Exec(ctx, "CREATE DATABASE oomlab")
			conn.Close(context.Background())
			if err != nil {
				return fmt.Errorf("pgtemp: create database: %w", err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtemp: server not ready: %w (last: %v)", ctx.Err(), err)
		case werr := <-exited:
			exited <- werr
			return fmt.Errorf("pgtemp: postgres exited before it was ready: %v", werr)
		case <-tick.C:
		}
	}
}
