package evidence

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oomlab/oomlab/runner/gctrace"
	"github.com/oomlab/oomlab/runner/results"
)

// Bounds of the JVM's evidence.
const (
	// DefaultTopClasses is how many classes of a histogram are kept.
	DefaultTopClasses = 5
	// topNative is how many native memory categories are kept.
	topNative = 5
	// maxJcmdBytes bounds what one jcmd answer is read of: a histogram
	// of a large application runs to a few MiB.
	maxJcmdBytes = 8 << 20
)

// JcmdFunc runs jcmd against pid with args (a diagnostic command and its
// options) and returns what it printed on stdout, at most maxJcmdBytes.
type JcmdFunc func(ctx context.Context, pid int, args ...string) ([]byte, error)

// errNMTOff is VM.native_memory's answer when tracking was not switched
// on (-XX:NativeMemoryTracking=summary).
var errNMTOff = errors.New("native memory tracking is not enabled (start the JVM with -XX:NativeMemoryTracking=summary to see memory outside the heap by category)")

// RunJcmd is the JcmdFunc of a real JDK: the jcmd next to the JVM's own
// executable (/proc/PID/exe's directory, the same JDK), else the one on
// PATH.
func RunJcmd(ctx context.Context, pid int, args ...string) ([]byte, error) {
	jcmd := "jcmd"
	if exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(pid), "exe")); err == nil {
		if p := filepath.Join(filepath.Dir(exe), "jcmd"); fileExists(p) {
			jcmd = p
		}
	}
	cmd := exec.CommandContext(ctx, jcmd, append([]string{strconv.Itoa(pid)}, args...)...)
	cmd.WaitDelay = time.Second
	var out, errb boundedBuffer
	out.max, errb.max = maxJcmdBytes, 4<<10
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = strings.TrimSpace(out.String())
		}
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		return nil, fmt.Errorf("jcmd %d %s: %w: %s", pid, strings.Join(args, " "), err, msg)
	}
	return out.Bytes(), nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// boundedBuffer keeps the first max bytes written to it and drops the
// rest (jcmd's output must be read to its end, or jcmd blocks).
type boundedBuffer struct {
	bytes.Buffer
	max int
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// isJVM reports whether process pid runs a JVM: its command name is
// "java" (the launcher; a JVM embedded under another name is not found).
func isJVM(procRoot string, pid int) bool {
	comm, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "comm"))
	return err == nil && strings.TrimSpace(string(comm)) == "java"
}

// jvmEvidence asks the tree's largest JVM for its class histogram, heap
// and native memory, saves each answer and summarises them into
// ev.JVM. It reports whether a JVM was asked anything.
func (c *Capturer) jvmEvidence(ev *results.Evidence, stem string, members []int) bool {
	var jvms []int
	for _, pid := range members {
		if isJVM(c.cfg.ProcRoot, pid) {
			jvms = append(jvms, pid)
		}
	}
	if len(jvms) == 0 {
		ev.Errors = append(ev.Errors, "jcmd: no java process in the target's tree")
		return false
	}
	pid := c.largest(jvms, jvms[0])
	run := c.cfg.Jcmd
	if run == nil {
		run = RunJcmd
	}
	m := &results.JVMMemory{PID: pid}
	if !slices.Contains(c.attached, pid) {
		c.attached = append(c.attached, pid)
	}
	ctx, cancel := context.WithTimeout(c.ctx, captureTimeout)
	defer cancel()
	// One jcmd, one attach, three commands (the JVM runs each line as a
	// command): a jcmd is a JVM of its own, whose start-up is most of the
	// cost on a busy machine.
	out, err := run(ctx, pid, jcmdCommands)
	if err != nil {
		ev.Errors = append(ev.Errors, err.Error())
		return true
	}
	ev.Files = append(ev.Files, c.write(ev, stem+".jcmd.txt", out)...)
	errHeap := ParseJVMHeapInfo(bytes.NewReader(out), m)
	classes, total, errHist := ParseClassHistogram(bytes.NewReader(out), DefaultTopClasses)
	m.Classes, m.LiveBytes = classes, total
	native, areas, errNative := ParseNativeMemory(bytes.NewReader(out), topNative)
	m.NativeCommittedBytes, m.Native = native, areas
	for _, err := range []error{errHist, errHeap, errNative} {
		if err != nil {
			ev.Errors = append(ev.Errors, err.Error())
		}
	}
	if errHeap == nil || errHist == nil {
		ev.JVM = m
	}
	return true
}

// attachDir is where a HotSpot JVM on Linux makes its attach socket,
// .java_pid<PID>.
const attachDir = "/tmp"

// removeAttachSockets removes the attach socket of each JVM jcmd attached
// to that is gone: a JVM killed by the kernel (SIGKILL) leaves it behind,
// and a later JVM given the same PID would be sent to the dead one's
// socket. A socket of a process still alive is left alone.
func (c *Capturer) removeAttachSockets() {
	for _, pid := range c.attached {
		if _, err := os.Stat(filepath.Join(c.cfg.ProcRoot, strconv.Itoa(pid))); err == nil {
			continue
		}
		sock := filepath.Join(c.attachDir(), ".java_pid"+strconv.Itoa(pid))
		if fi, err := os.Lstat(sock); err == nil && fi.Mode()&os.ModeSocket != 0 {
			os.Remove(sock)
		}
	}
}

func (c *Capturer) attachDir() string {
	if c.cfg.AttachDir != "" {
		return c.cfg.AttachDir
	}
	return attachDir
}

// jcmdCommands are the diagnostic commands a JVM is asked at a mark, one
// a line: the class histogram (after a full collection, so its bytes are
// live objects), the heap's figures, and native memory tracking's
// summary (an answer saying it is off when the JVM runs without it).
const jcmdCommands = "GC.class_histogram\nGC.heap_info\nVM.native_memory summary"

// ParseClassHistogram reads jcmd's GC.class_histogram:
//
//	 num     #instances         #bytes  class name (module)
//	-------------------------------------------------------
//	   1:          7742         355192  [B (java.base@17.0.15)
//	...
//	Total         28551        1271032
//
// It returns the top classes by bytes (the JVM sorts them so), at most
// top, named as in Java source (JavaClassName), and the total bytes.
// Lines it does not know (the PID jcmd prints first) are skipped; a
// histogram without its Total line is an error.
func ParseClassHistogram(r io.Reader, top int) ([]results.JVMClass, int64, error) {
	var classes []results.JVMClass
	total := int64(-1)
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "Total" {
			if n, err := strconv.ParseInt(f[2], 10, 64); err == nil && n >= 0 {
				total = n
			}
			continue
		}
		if len(f) < 4 || !strings.HasSuffix(f[0], ":") || len(classes) >= top {
			continue
		}
		inst, err1 := strconv.ParseInt(f[1], 10, 64)
		b, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || inst < 0 || b < 0 {
			continue
		}
		classes = append(classes, results.JVMClass{Name: JavaClassName(f[3]), Instances: inst, Bytes: b})
	}
	if err := sc.Err(); err != nil {
		return nil, 0, fmt.Errorf("evidence: class histogram: %w", err)
	}
	if total < 0 {
		return nil, 0, errors.New("evidence: class histogram: no Total line")
	}
	slices.SortStableFunc(classes, func(a, b results.JVMClass) int { return int(min(max(b.Bytes-a.Bytes, -1), 1)) })
	return classes, total, nil
}

// JavaClassName turns a JVM descriptor name into Java's: "[B" is
// "byte[]", "[[I" "int[][]", "[Ljava.lang.String;" "java.lang.String[]";
// other names are returned as they are.
func JavaClassName(n string) string {
	dims := 0
	for dims < len(n) && n[dims] == '[' {
		dims++
	}
	if dims == 0 {
		return n
	}
	elem := n[dims:]
	switch elem {
	case "B":
		elem = "byte"
	case "C":
		elem = "char"
	case "I":
		elem = "int"
	case "J":
		elem = "long"
	case "S":
		elem = "short"
	case "Z":
		elem = "boolean"
	case "F":
		elem = "float"
	case "D":
		elem = "double"
	default:
		if s, ok := strings.CutPrefix(elem, "L"); ok && strings.HasSuffix(s, ";") {
			elem = strings.TrimSuffix(s, ";")
		} else {
			return n
		}
	}
	return elem + strings.Repeat("[]", dims)
}

// ParseJVMHeapInfo reads jcmd's GC.heap_info into m: the heap's used
// and committed bytes, summed over the lines that give them, and
// Metaspace's used bytes. It knows the collectors' shapes:
//
//	garbage-first heap   total 65536K, used 2463K [...]      (G1; Serial, Parallel per generation)
//	ZHeap           used 4M, capacity 64M, max capacity 64M  (ZGC)
//	65536K max, 65536K soft max, 65536K committed, 2816K used (Shenandoah)
//	Metaspace       used 1085K, committed 1280K, reserved 1114112K
//
// An answer with no heap line is an error.
func ParseJVMHeapInfo(r io.Reader, m *results.JVMMemory) error {
	found := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "Metaspace"):
			if v, ok := sizeAfter(line, "used "); ok {
				m.MetaspaceUsedBytes = v
			}
		case strings.HasPrefix(line, "class space"):
		case strings.Contains(line, " total ") && strings.Contains(line, ", used "):
			total, ok1 := sizeAfter(line, "total ")
			used, ok2 := sizeAfter(line, ", used ")
			if ok1 && ok2 {
				m.HeapCommittedBytes += total
				m.HeapUsedBytes += used
				found = true
			}
		case strings.HasPrefix(line, "ZHeap"):
			used, ok1 := sizeAfter(line, "used ")
			capacity, ok2 := sizeAfter(line, ", capacity ")
			if ok1 && ok2 {
				m.HeapCommittedBytes, m.HeapUsedBytes, found = capacity, used, true
			}
		case strings.HasSuffix(line, " used") && strings.Contains(line, " committed, "):
			committed, ok1 := sizeBefore(line, " committed")
			used, ok2 := sizeBefore(line, " used")
			if ok1 && ok2 {
				m.HeapCommittedBytes, m.HeapUsedBytes, found = committed, used, true
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("evidence: heap info: %w", err)
	}
	if !found {
		return errors.New("evidence: heap info: no heap line")
	}
	return nil
}

// ParseNativeMemory reads jcmd's VM.native_memory summary: the committed
// total ("Total: reserved=...KB, committed=...KB") and the top
// categories by committed bytes ("-   Thread (reserved=..KB,
// committed=..KB)"). A JVM without tracking answers errNMTOff.
func ParseNativeMemory(r io.Reader, top int) (int64, []results.JVMNativeArea, error) {
	var total int64 = -1
	var areas []results.JVMNativeArea
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.Contains(line, "Native memory tracking is not enabled"):
			return 0, nil, errNMTOff
		case strings.HasPrefix(line, "Total: "):
			if v, ok := sizeAfter(line, "committed="); ok {
				total = v
			}
		case strings.HasPrefix(line, "-"):
			name, rest, ok := strings.Cut(strings.TrimSpace(line[1:]), " (")
			if !ok {
				continue
			}
			if v, ok := sizeAfter(rest, "committed="); ok {
				areas = append(areas, results.JVMNativeArea{Category: strings.TrimSpace(name), CommittedBytes: v})
			}
		}
	}
	if err := sc.Err(); err != nil {
		return 0, nil, fmt.Errorf("evidence: native memory: %w", err)
	}
	if total < 0 {
		return 0, nil, errors.New("evidence: native memory: no Total line")
	}
	slices.SortStableFunc(areas, func(a, b results.JVMNativeArea) int {
		return int(min(max(b.CommittedBytes-a.CommittedBytes, -1), 1))
	})
	return total, areas[:min(len(areas), top)], nil
}

// sizeAfter reads the size right after key in line: "65536K", "4M",
// "1280KB", "12B", "2G".
func sizeAfter(line, key string) (int64, bool) {
	i := strings.Index(line, key)
	if i < 0 {
		return 0, false
	}
	s := line[i+len(key):]
	j := 0
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	return jvmSize(s[:j], strings.TrimPrefix(s[j:], " "))
}

// sizeBefore reads the size that ends right before key ("65536K
// committed").
func sizeBefore(line, key string) (int64, bool) {
	i := strings.Index(line, key)
	if i < 0 {
		return 0, false
	}
	word := line[:i]
	if k := strings.LastIndexAny(word, " ,"); k >= 0 {
		word = word[k+1:]
	}
	j := 0
	for j < len(word) && word[j] >= '0' && word[j] <= '9' {
		j++
	}
	return jvmSize(word[:j], word[j:])
}

// jvmSize is digits times the unit that starts rest: B, K or KB, M or
// MB, G or GB (powers of 1024, as HotSpot prints them).
func jvmSize(digits, rest string) (int64, bool) {
	if digits == "" || len(digits) > 15 {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || rest == "" {
		return 0, false
	}
	shift, ok := gctrace.JVMUnitShift(rest[0])
	if !ok {
		return 0, false
	}
	if n > (1<<62)>>shift {
		return 0, false // absurd: would overflow
	}
	return n << shift, true
}
