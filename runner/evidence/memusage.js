'use strict';
// oomlab: preloaded with --require (through NODE_OPTIONS) into a Node.js
// target; the target's own code is not changed. Every
// OOMLAB_MEMORY_INTERVAL_MS (default 100) it writes one line to stdout:
//   oomlab-mem PID RSS HEAP_TOTAL HEAP_USED EXTERNAL ARRAY_BUFFERS
// (bytes, from process.memoryUsage()). Once RSS reaches
// OOMLAB_MEMORY_NEAR_BYTES (unset: never) it reads every
// OOMLAB_MEMORY_NEAR_INTERVAL_MS (default 20) instead: near the limit the
// last reading is what explains a kill, and a process at its limit can
// move a few MiB between Buffers and freed memory in 100 ms. The timer is
// unref'd, so it never keeps the process alive, and a failed write is
// dropped, never thrown.
(function oomlabMemoryUsage() {
  const fs = require('fs');
  const every = Number(process.env.OOMLAB_MEMORY_INTERVAL_MS) || 100;
  const near = Number(process.env.OOMLAB_MEMORY_NEAR_BYTES) || Infinity;
  const nearEvery = Number(process.env.OOMLAB_MEMORY_NEAR_INTERVAL_MS) || 20;
  function read() {
    const m = process.memoryUsage();
    try {
      fs.writeSync(1, `oomlab-mem ${process.pid} ${m.rss} ${m.heapTotal} ${m.heapUsed} ${m.external} ${m.arrayBuffers}\n`);
    } catch (_) {
      // stdout closed or full: a reading lost, nothing else.
    }
    setTimeout(read, m.rss >= near ? nearEvery : every).unref();
  }
  setTimeout(read, every).unref();
})();
