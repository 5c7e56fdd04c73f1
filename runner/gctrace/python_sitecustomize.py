# Written by oomlab: imported by every CPython the target starts, as
# sitecustomize, through PYTHONPATH (the directory holding it comes first).
# The target's own code is not changed.
#
# GC: each collection's end writes one line to stdout (fd 1, bypassing
# sys.stdout's buffer, so a line is one write(2) and never split):
#   oomlab-pygc PID SEQ GEN PAUSE_US
# SEQ counts this process's collections (1 for the first; the line written
# at start-up, and again in a forked child, has SEQ 0), GEN is the
# generation collected, PAUSE_US how long the collection stopped the
# program (from gc.callbacks' "start" to its "stop"), in microseconds.
#
# Heap evidence, only when OOMLAB_PY_EVIDENCE_DIR is set: tracemalloc is
# started with OOMLAB_PY_TRACEMALLOC_FRAMES frames (unless it already
# runs), and a daemon thread answers on the Unix socket DIR/PID.sock: each
# connection gets one JSON object with tracemalloc's top allocation sites.
#
# Then the user's own sitecustomize, if the rest of sys.path holds one, is
# run as if it had been imported in our place. Every failure here is
# swallowed: the target must start as it would without oomlab.


def _oomlab():
    import gc
    import os
    import sys
    import time

    state = {"pid": os.getpid(), "n": 0, "t0": 0}

    def emit(seq, gen, pause_us):
        try:
            os.write(1, b"oomlab-pygc %d %d %d %d\n" % (state["pid"], seq, gen, pause_us))
        except Exception:
            pass  # stdout closed or full: a line lost, nothing else

    def on_gc(phase, info):
        if phase == "start":
            state["t0"] = time.perf_counter_ns()
            return
        state["n"] += 1
        emit(state["n"], info.get("generation", -1), (time.perf_counter_ns() - state["t0"]) // 1000)

    def after_fork():
        state["pid"] = os.getpid()
        state["n"] = 0
        emit(0, 0, 0)

    try:
        gc.callbacks.append(on_gc)
        os.register_at_fork(after_in_child=after_fork)
        emit(0, 0, 0)
    except Exception:
        pass

    evdir = os.environ.get("OOMLAB_PY_EVIDENCE_DIR")
    if evdir:
        try:
            _oomlab_evidence(evdir)
        except Exception:
            pass


def _oomlab_evidence(evdir):
    import json
    import linecache
    import os
    import socket
    import sys
    import sysconfig
    import threading
    import time
    import tracemalloc

    frames = int(os.environ.get("OOMLAB_PY_TRACEMALLOC_FRAMES") or "16")
    top = int(os.environ.get("OOMLAB_PY_TOP_SITES") or "10")
    if not tracemalloc.is_tracing():
        tracemalloc.start(max(1, min(frames, 64)))
    here = os.path.dirname(os.path.abspath(__file__))
    libs = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            libs.add(os.path.realpath(p) + os.sep)
    libs.add(os.path.realpath(here) + os.sep)

    def is_lib(filename):
        if filename.startswith("<"):
            return True  # <frozen importlib._bootstrap>, <string>
        real = os.path.realpath(filename)
        if any(real.startswith(l) for l in libs):
            return True
        # packages outside sysconfig's paths: Debian's dist-packages, a venv's
        return os.sep + "site-packages" + os.sep in real or os.sep + "dist-packages" + os.sep in real

    def reading():
        t = time.perf_counter()
        snap = tracemalloc.take_snapshot()
        stats = snap.statistics("traceback")
        took = time.perf_counter() - t
        # Frames run from the oldest to the most recent: the site is the
        # most recent frame of the program's own code (not the standard
        # library's, a package's or ours); via, the frame that allocated.
        sites = {}
        lib_cache = {}
        for st in stats:
            tb = list(st.traceback)
            if not tb:
                continue
            inner = tb[-1]
            own = inner
            for fr in reversed(tb):
                lib = lib_cache.get(fr.filename)
                if lib is None:
                    lib = lib_cache[fr.filename] = is_lib(fr.filename)
                if not lib:
                    own = fr
                    break
            key = (own.filename, own.lineno, inner.filename, inner.lineno)
            s = sites.get(key)
            if s is None:
                sites[key] = [st.size, st.count]
            else:
                s[0] += st.size
                s[1] += st.count
        best = sorted(sites.items(), key=lambda kv: -kv[1][0])[:top]
        traced, peak = tracemalloc.get_traced_memory()
        out = {
            "pid": os.getpid(),
            "traced_bytes": traced,
            "peak_traced_bytes": peak,
            "tracemalloc_bytes": tracemalloc.get_tracemalloc_memory(),
            "frames": tracemalloc.get_traceback_limit(),
            "snapshot_ms": took * 1000,
            "sites": [],
        }
        for (f, line, vf, vline), (size, count) in best:
            site = {"file": f, "line": line, "code": linecache.getline(f, line).strip()[:160], "bytes": size, "blocks": count}
            if (vf, vline) != (f, line):
                site["via_file"], site["via_line"] = vf, vline
            out["sites"].append(site)
        del snap, stats
        return json.dumps(out).encode() + b"\n"

    def serve(sock):
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            try:
                conn.settimeout(10)
                conn.sendall(reading())
            except Exception as e:
                try:
                    conn.sendall(json.dumps({"pid": os.getpid(), "error": repr(e)[:300]}).encode() + b"\n")
                except Exception:
                    pass
            finally:
                conn.close()

    state = {"sock": None}

    def listen():
        path = os.path.join(evdir, "%d.sock" % os.getpid())
        try:
            os.unlink(path)
        except OSError:
            pass
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(path)
        sock.listen(4)
        state["sock"] = sock
        threading.Thread(target=serve, args=(sock,), name="oomlab-tracemalloc", daemon=True).start()

    def after_fork():
        old = state["sock"]
        if old is not None:
            try:
                old.close()  # the parent's: it still answers there
            except OSError:
                pass
        try:
            listen()
        except Exception:
            pass

    os.register_at_fork(after_in_child=after_fork)
    listen()


try:
    _oomlab()
except Exception:
    pass
del _oomlab


def _oomlab_chain():
    # The user's own sitecustomize, found on the rest of sys.path, runs as
    # it would have: under the name sitecustomize, its errors reported by
    # site.py as "Error in sitecustomize".
    import importlib.machinery
    import importlib.util
    import os
    import sys

    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    mod = importlib.util.module_from_spec(spec)
    sys.modules["sitecustomize"] = mod
    spec.loader.exec_module(mod)


_oomlab_chain()
del _oomlab_chain
