package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/oomlab/oomlab/fixtures"
)

// npmTimeout bounds one npm install.
const npmTimeout = 3 * time.Minute

// NodePackagesDir is where oomlab installs the npm packages its own
// Node.js targets need (pg for db-pool): $XDG_CACHE_HOME/oomlab/node, or
// ~/.cache/oomlab/node. Every other Node.js target needs none.
func NodePackagesDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("runner: no cache directory for npm packages: %w", err)
	}
	return filepath.Join(d, "oomlab", "node"), nil
}

// nodeModules makes the npm packages the builtin Node.js target needs
// (fixtures.NodePackages) resolvable from scriptDir, where its script is
// written: it installs the missing ones into NodePackagesDir with `npm
// install --prefix DIR` and links scriptDir/node_modules to
// DIR/node_modules. A target whose packages cannot be had is skipped,
// saying which package, where, and why.
func (h *harness) nodeModules(scriptDir, t string) error {
	pkgs := fixtures.NodePackages(t)
	if len(pkgs) == 0 {
		return nil
	}
	dir, err := NodePackagesDir()
	if err != nil {
		return err
	}
	var missing []string
	for _, p := range pkgs {
		name, _, _ := strings.Cut(strings.TrimPrefix(p, "@"), "@")
		if strings.HasPrefix(p, "@") {
			name = "@" + name
		}
		if _, err := os.Stat(filepath.Join(dir, "node_modules", name, "package.json")); err != nil {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		if err := npmInstall(dir, missing, h.opts.Log); err != nil {
			return fmt.Errorf("%w: the Node.js target %s needs the npm package %s, missing from %s: %v",
				errSkip, t, strings.Join(missing, " "), dir, err)
		}
	}
	link := filepath.Join(scriptDir, "node_modules")
	if _, err := os.Lstat(link); err == nil {
		return nil
	}
	if err := os.Symlink(filepath.Join(dir, "node_modules"), link); err != nil {
		return fmt.Errorf("runner: %w", err)
	}
	return nil
}

// npmInstall runs npm install --prefix dir pkgs..., logging that it does.
func npmInstall(dir string, pkgs []string, log interface{ Write([]byte) (int, error) }) error {
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("npm is not installed to fetch it (install npm, or run `npm install --prefix %s %s` by hand)", dir, strings.Join(pkgs, " "))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(log, "npm         installing %s into %s\n", strings.Join(pkgs, " "), dir)
	ctx, cancel := context.WithTimeout(context.Background(), npmTimeout)
	defer cancel()
	args := append([]string{"install", "--prefix", dir, "--no-audit", "--no-fund", "--no-save"}, pkgs...)
	out, err := exec.CommandContext(ctx, npm, args...).CombinedOutput()
	if err != nil {
		tail := string(out)
		if len(tail) > 2000 {
			tail = tail[len(tail)-2000:]
		}
		return fmt.Errorf("npm install failed (%v): %s", err, strings.TrimSpace(tail))
	}
	return nil
}
