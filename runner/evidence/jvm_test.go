package evidence

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oomlab/oomlab/runner/results"
)

func openJVM(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "jvm", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestParseClassHistogramRecorded(t *testing.T) {
	classes, total, err := ParseClassHistogram(openJVM(t, "class_histogram-G1.txt"), 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []results.JVMClass{
		{Name: "byte[]", Instances: 7742, Bytes: 355192},
		{Name: "java.lang.Class", Instances: 1607, Bytes: 197376},
		{Name: "java.lang.String", Instances: 7566, Bytes: 181584},
	}
	if !slices.Equal(classes, want) || total != 1271032 {
		t.Errorf("ParseClassHistogram = %+v, %d; want %+v, 1271032", classes, total, want)
	}
}

func TestParseClassHistogramErrors(t *testing.T) {
	for _, in := range []string{"", "123:\n   1:  10  100  [B\n", "Exception in thread"} {
		if _, _, err := ParseClassHistogram(strings.NewReader(in), 5); err == nil {
			t.Errorf("ParseClassHistogram(%q) = nil error; want one (no Total line)", in)
		}
	}
}

func TestJavaClassName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[B", "byte[]"}, {"[[I", "int[][]"}, {"[J", "long[]"}, {"[C", "char[]"}, {"[Z", "boolean[]"},
		{"[Ljava.lang.Object;", "java.lang.Object[]"}, {"[[Ljava.lang.String;", "java.lang.String[][]"},
		{"java.lang.String", "java.lang.String"}, {"[", "["}, {"[Q", "[Q"}, {"[Lfoo", "[Lfoo"},
	}
	for _, tt := range tests {
		if got := JavaClassName(tt.in); got != tt.want {
			t.Errorf("JavaClassName(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseJVMHeapInfoRecorded(t *testing.T) {
	const k, m = 1 << 10, 1 << 20
	tests := []struct {
		file            string
		used, committed int64
		meta            int64
	}{
		{"heap_info-G1.txt", 2463 * k, 65536 * k, 1085 * k},
		{"heap_info-Serial.txt", 3154 * k, (19648 + 43712) * k, 1128 * k},
		{"heap_info-Parallel.txt", 2622 * k, (18944 + 44032) * k, 1144 * k},
		{"heap_info-Z.txt", 4 * m, 64 * m, 1131 * k},
		{"heap_info-Shenandoah.txt", 2816 * k, 65536 * k, 1118 * k},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var got results.JVMMemory
			if err := ParseJVMHeapInfo(openJVM(t, tt.file), &got); err != nil {
				t.Fatal(err)
			}
			if got.HeapUsedBytes != tt.used || got.HeapCommittedBytes != tt.committed || got.MetaspaceUsedBytes != tt.meta {
				t.Errorf("ParseJVMHeapInfo(%s) = used %d, committed %d, metaspace %d; want %d, %d, %d",
					tt.file, got.HeapUsedBytes, got.HeapCommittedBytes, got.MetaspaceUsedBytes, tt.used, tt.committed, tt.meta)
			}
		})
	}
	var none results.JVMMemory
	if err := ParseJVMHeapInfo(strings.NewReader("123:\n Metaspace       used 1085K, committed 1280K, reserved 1114112K\n"), &none); err == nil {
		t.Error("ParseJVMHeapInfo(no heap line) = nil; want an error")
	}
}

func TestParseNativeMemoryRecorded(t *testing.T) {
	total, areas, err := ParseNativeMemory(openJVM(t, "native_memory-G1.txt"), 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []results.JVMNativeArea{{Category: "GC", CommittedBytes: 37512 << 10}, {Category: "Shared class space", CommittedBytes: 12060 << 10}, {Category: "Java Heap", CommittedBytes: 10240 << 10}}
	if total != 71904<<10 || !slices.Equal(areas, want) {
		t.Errorf("ParseNativeMemory = %d, %+v; want %d, %+v", total, areas, 71904<<10, want)
	}
	if _, _, err := ParseNativeMemory(strings.NewReader("29680:\nNative memory tracking is not enabled\n"), 3); !errors.Is(err, errNMTOff) {
		t.Errorf("ParseNativeMemory(tracking off) = %v; want errNMTOff", err)
	}
}

// TestParseJcmdRecorded: one jcmd's answer to the three commands
// (jcmdCommands), recorded, read by each parser in turn.
func TestParseJcmdRecorded(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "jvm", "jcmd-G1-nmt.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var m results.JVMMemory
	errHeap := ParseJVMHeapInfo(strings.NewReader(string(raw)), &m)
	classes, total, errHist := ParseClassHistogram(strings.NewReader(string(raw)), 1)
	native, areas, errNative := ParseNativeMemory(strings.NewReader(string(raw)), 1)
	if errHeap != nil || errHist != nil || errNative != nil {
		t.Fatalf("parse errors: %v, %v, %v", errHeap, errHist, errNative)
	}
	if m.HeapCommittedBytes != 10240<<10 || m.HeapUsedBytes != 1244<<10 || len(classes) != 1 || classes[0].Name != "byte[]" ||
		total != 1272488 || native <= 0 || len(areas) != 1 {
		t.Errorf("heap %d/%d, classes %+v (total %d), native %d %+v; want 1244K of 10240K, byte[] first of 1272488, native figures",
			m.HeapUsedBytes, m.HeapCommittedBytes, classes, total, native, areas)
	}
}

// TestCaptureJVM runs a capture against a fake /proc tree whose java
// process is answered by a fake jcmd with the recorded answers.
func TestCaptureJVM(t *testing.T) {
	root := t.TempDir()
	for pid, comm := range map[string]string{"100": "sh", "101": "java"} {
		dir := filepath.Join(root, pid)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "comm"), []byte(comm+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "statm"), []byte("1000 500 0 0 0 0 0\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "smaps_rollup"), []byte("Rss: 2000 kB\nAnonymous: 1500 kB\n"), 0o644)
	}
	var asked []int
	jcmd := func(_ context.Context, pid int, args ...string) ([]byte, error) {
		asked = append(asked, pid)
		if len(args) != 1 || args[0] != jcmdCommands {
			return nil, fmt.Errorf("jcmd %q; want the three commands in one argument", args)
		}
		var all []byte
		for _, f := range []string{"class_histogram-G1.txt", "heap_info-G1.txt", "native_memory-G1.txt"} {
			b, err := os.ReadFile(filepath.Join("testdata", "jvm", f))
			if err != nil {
				return nil, err
			}
			all = append(all, b...)
		}
		return all, nil
	}
	out := t.TempDir()
	c := New(Config{Target: "j", Runtime: "jvm", PID: 100, Members: func() []int { return []int{100, 101} },
		OutDir: out, LimitBytes: 100, Marks: []float64{0.5}, ProcRoot: root, Jcmd: jcmd})
	c.Observe(0, 60, -1)
	evs := c.Close()
	if len(evs) != 1 || evs[0].JVM == nil {
		t.Fatalf("evidence = %+v; want one capture with JVM figures", evs)
	}
	j := evs[0].JVM
	if j.PID != 101 || j.Classes[0].Name != "byte[]" || j.LiveBytes != 1271032 || j.HeapCommittedBytes != 64<<20 ||
		j.NativeCommittedBytes != 71904<<10 || len(evs[0].Files) != 2 || !slices.Equal(asked, []int{101}) || len(evs[0].Errors) != 0 {
		t.Errorf("JVM evidence = %+v, files %q, errors %q, jcmd asked %v; want PID 101 (java, not sh), byte[] first, 2 files, one jcmd",
			j, evs[0].Files, evs[0].Errors, asked)
	}
}
