// nodetrace.js allocates for a few seconds so that `node --trace-gc`
// prints real trace lines (on stdout), and writes odd lines of its own in
// between: app output, a line without its newline, a very long line and
// bytes that are not UTF-8. It then idles so the memory reducer runs
// ("Mark-Compact (reduce)").
//
// Recorded with:
//
//	node --trace-gc --expose-gc testdata/gen/nodetrace.js > testdata/node.trace
let keep = [];
let i = 0;
const t0 = Date.now();
function step() {
  for (let j = 0; j < 2000; j++, i++) {
    keep.push(new Array(100).fill(i));
    if (keep.length > 200000) keep = keep.slice(100000);
    if (i % 400000 === 1000) console.log('app: progress ' + i);
    if (i % 400000 === 101000) process.stdout.write('app: partial line ');
    if (i % 400000 === 201000) console.log('app: long ' + 'x'.repeat(100000));
    if (i % 400000 === 301000) process.stdout.write(Buffer.from([0x61, 0x70, 0x70, 0x3a, 0x20, 0xff, 0xfe, 0x00, 0x20, 0x6d, 0x73, 0x3a, 0x20, 0x0a]));
  }
  if (Date.now() - t0 < 1500) {
    setImmediate(step);
    return;
  }
  keep = null;
  global.gc();
  setTimeout(() => {}, 9000); // idle: the memory reducer runs
}
step();
