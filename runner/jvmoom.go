package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// jvmOOMKinds are the OutOfMemoryError messages a JVM throws, the part
// of the heap or of the process each one is about, and the option that
// sets its limit; the first whose message starts the error's text names
// it. HotSpot throws the first five itself (-XX:+ExitOnOutOfMemoryError
// and -XX:+CrashOnOutOfMemoryError apply to them); the direct buffer one
// is thrown by the class library (java.nio.Bits), so those options do not
// end the JVM on it.
var jvmOOMKinds = []struct {
	message string // the start of the error's message
	kind    string // the kind, named in the death's detail
	about   string
}{
	{"Java heap space", "Java heap space", "the heap is full of live objects: its limit is -Xmx (by default a quarter of the container's limit, -XX:MaxRAMPercentage)"},
	{"GC overhead limit exceeded", "GC overhead limit", "the collector spent over 98 % of the time recovering under 2 % of the heap (-XX:-UseGCOverheadLimit switches the check off)"},
	{"Metaspace", "Metaspace", "class metadata, outside the heap, reached -XX:MaxMetaspaceSize"},
	{"Compressed class space", "Compressed class space", "class pointers' space, outside the heap, reached -XX:CompressedClassSpaceSize"},
	{"unable to create native thread", "unable to create native thread", "a new thread's stack could not be had: memory outside the heap, or the task limit (pids.max, ulimit -u)"},
	{"Direct buffer memory", "Direct buffer memory", "direct ByteBuffers, outside the heap, reached -XX:MaxDirectMemorySize (by default the maximum heap size)"},
	{"Cannot reserve ", "Direct buffer memory", "direct ByteBuffers, outside the heap, reached -XX:MaxDirectMemorySize (by default the maximum heap size)"},
	{"Requested array size exceeds VM limit", "Requested array size exceeds VM limit", "one array larger than the JVM allows, whatever the heap's size"},
}

// jvmOOMKind names the kind of the OutOfMemoryError a line carries
// ("Exception in thread "x" java.lang.OutOfMemoryError: Java heap
// space"), in words for a death's detail: "OutOfMemoryError kind: Java
// heap space (the heap is full ...)". It returns "" for a line without
// one, and the message itself for a kind it does not know.
func jvmOOMKind(line string) string {
	_, msg, ok := strings.Cut(line, "java.lang.OutOfMemoryError")
	if !ok {
		return ""
	}
	msg = strings.TrimSpace(strings.TrimPrefix(msg, ":"))
	for _, k := range jvmOOMKinds {
		if strings.HasPrefix(msg, k.message) {
			text := fmt.Sprintf("OutOfMemoryError kind: %s (%s)", k.kind, k.about)
			if figures := directFigures(msg); figures != "" {
				text += "; " + figures
			}
			return text
		}
	}
	if msg == "" {
		return "OutOfMemoryError kind: not given"
	}
	return fmt.Sprintf("OutOfMemoryError kind: %q", quote(msg))
}

// directFigures reads JDK 17's "Cannot reserve 1048576 bytes of direct
// buffer memory (allocated: 66060288, limit: 67108864)" into words.
func directFigures(msg string) string {
	rest, ok := strings.CutPrefix(msg, "Cannot reserve ")
	if !ok {
		return ""
	}
	want, rest, _ := strings.Cut(rest, " bytes")
	_, rest, _ = strings.Cut(rest, "(allocated: ")
	alloc, rest, _ := strings.Cut(rest, ", limit: ")
	limit, _, _ := strings.Cut(rest, ")")
	w, err1 := strconv.ParseInt(want, 10, 64)
	a, err2 := strconv.ParseInt(alloc, 10, 64)
	l, err3 := strconv.ParseInt(limit, 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return ""
	}
	return fmt.Sprintf("%s of direct buffers allocated, %s more refused, limit %s", mib(a), mib(w), mib(l))
}
