#!/usr/bin/env node
// Runs an ONNX model in ONNX Runtime (CPU) for the NetCanvas tests and benchmarks.
//   node ort_run.js DIR
// DIR/request.json: {"model": PATH, "threads": N, "iters": K (optional, benchmark),
//                    "inputs": [{"name", "dtype": "float32"|"int64", "dims": [...], "file": PATH}]}
// Inputs are raw little-endian files. Writes DIR/output_<i>.bin and DIR/response.json:
// {"outputs": [{"name", "dtype", "dims", "file"}], "ms": [per-iteration times],
//  "rss_before_load_kb": resident set before the session is created,
//  "peak_rss_kb": peak resident set (VmHWM) of this process after the last run} (Linux; else 0).
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

// A field of /proc/self/status in kB (VmRSS, VmHWM); 0 where there is no /proc.
function statusKb(field) {
  try {
    const m = fs.readFileSync('/proc/self/status', 'utf8').match(new RegExp('^' + field + ':\\s*(\\d+)', 'm'));
    return m ? Number(m[1]) : 0;
  } catch (e) {
    return 0;
  }
}

async function main() {
  const dir = process.argv[2];
  const req = JSON.parse(fs.readFileSync(path.join(dir, 'request.json'), 'utf8'));
  const rssBeforeLoad = statusKb('VmRSS');
  const threads = req.threads || 1;
  const session = await ort.InferenceSession.create(req.model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: req.optimize === false ? 'disabled' : 'all',
  });
  const feeds = {};
  for (const inp of req.inputs) {
    const buf = fs.readFileSync(inp.file);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const data = inp.dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
    feeds[inp.name] = new ort.Tensor(inp.dtype, data, inp.dims);
  }
  const iters = req.iters || 0;
  const ms = [];
  let results = await session.run(feeds);
  for (let i = 0; i < iters; i++) {
    const t0 = process.hrtime.bigint();
    results = await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const peakRss = statusKb('VmHWM');
  const outputs = [];
  session.outputNames.forEach((name, i) => {
    const t = results[name];
    const file = path.join(dir, `output_${i}.bin`);
    fs.writeFileSync(file, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    outputs.push({ name, dtype: t.type, dims: t.dims.map(Number), file });
  });
  fs.writeFileSync(path.join(dir, 'response.json'), JSON.stringify({ outputs, ms, rss_before_load_kb: rssBeforeLoad, peak_rss_kb: peakRss }));
}

main().catch((e) => {
  process.stderr.write(`onnxruntime: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
