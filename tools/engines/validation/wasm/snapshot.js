// Pre-initialises the WebAssembly validation engine: node snapshot.js REACTOR.wasm OUT.wasm
//
// The engine is built as a WASI reactor (-buildmode=c-shared): `_initialize` runs Go's runtime
// and package initialisation (every API group registered in the schemes, client-go, metrics,
// protobuf descriptors: about half of a run in WebAssembly) and returns. This script runs it once,
// here, in Node's WASI, then writes a module whose memory starts as `_initialize` left it (its
// data segments are that memory, its globals their values then) and which no longer exports
// `_initialize`: a run calls the `validate` export directly (cmd/validation-engine/
// reactor_wasip1.go). The same idea as Wizer, for the few sections a Go module has.
//
// What a snapshot freezes, and why that is safe here: the arguments and environment (empty; the
// export passes its own arguments), the preopened directories (none: the engine reads its
// request from stdin), Go's random seed (map iteration order stays arbitrary, only the same
// each run) and the monotonic clock: Go's runtime and its timers hold readings of it, so the
// runner shifts the clock a run reads to continue from the last reading taken here (kept in
// the custom section `k8s-practice-snapshot`), even on a machine with a shorter uptime.
'use strict';
const { openSync, readFileSync, writeFileSync } = require('node:fs');
const { WASI } = require('node:wasi');

const SNAPSHOT_SECTION = 'k8s-practice-snapshot';
const GLOBAL_EXPORT = '__snapshot_global_';
// V8 refuses a module with more data segments than this.
const MAX_SEGMENTS = 100000;

function readU32(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, at];
  }
}

function u32(value) {
  const out = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    out.push(byte);
  } while (value > 0);
  return Buffer.from(out);
}

/** Signed LEB128 of a BigInt (i32.const and i64.const immediates). */
function sleb(value) {
  const out = [];
  for (;;) {
    const byte = Number(value & 0x7fn);
    value >>= 7n;
    const done = (value === 0n && (byte & 0x40) === 0) || (value === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return Buffer.from(out);
  }
}

const name = (text) => Buffer.concat([u32(Buffer.byteLength(text)), Buffer.from(text)]);
const section = (id, payload) => Buffer.concat([Buffer.from([id]), u32(payload.length), payload]);
const vector = (items) => Buffer.concat([u32(items.length), ...items]);

/** The sections of a module: id and payload. */
function sections(bytes) {
  const out = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, start] = readU32(bytes, at + 1);
    out.push({ id, payload: bytes.subarray(start, start + size) });
    at = start + size;
  }
  return out;
}

function encodeModule(list) {
  return Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), ...list.map((s) => section(s.id, s.payload))]);
}

/** An export section's entries: name, kind, index. */
function exportsOf(payload) {
  const [count, first] = readU32(payload, 0);
  const entries = [];
  let at = first;
  for (let i = 0; i < count; i++) {
    const [length, nameAt] = readU32(payload, at);
    const entryName = payload.subarray(nameAt, nameAt + length).toString();
    const kind = payload[nameAt + length];
    const [index, next] = readU32(payload, nameAt + length + 1);
    entries.push({ name: entryName, kind, index });
    at = next;
  }
  return entries;
}

const exportSection = (entries) => vector(entries.map((e) => Buffer.concat([name(e.name), Buffer.from([e.kind]), u32(e.index)])));

/** The value types of a global section (Go's globals are i32 and i64 with constant initialisers). */
function globalTypes(payload) {
  const [count, first] = readU32(payload, 0);
  const types = [];
  let at = first;
  for (let i = 0; i < count; i++) {
    const type = payload[at];
    const mutable = payload[at + 1];
    if (type !== 0x7f && type !== 0x7e) throw new Error(`global ${i} has value type 0x${type.toString(16)}, not i32 or i64`);
    types.push({ type, mutable });
    at += 2;
    while (payload[at] !== 0x0b) at++; // a constant expression ends with `end`
    at++;
  }
  return types;
}

/** Active data segments holding the non-zero bytes of `memory` (zero runs shorter than `gap` are kept). */
function dataSegments(memory) {
  for (let gap = 64; ; gap *= 2) {
    const segments = [];
    let at = 0;
    while (at < memory.length) {
      while (at < memory.length && memory[at] === 0) at++;
      if (at === memory.length) break;
      let end = at;
      let zeros = 0;
      for (let i = at; i < memory.length && zeros < gap; i++) {
        if (memory[i] === 0) zeros++;
        else {
          zeros = 0;
          end = i + 1;
        }
      }
      segments.push([at, end]);
      at = end;
    }
    if (segments.length <= MAX_SEGMENTS) {
      return segments.map(([start, end]) =>
        Buffer.concat([
          Buffer.from([0, 0x41]),
          sleb(BigInt(start | 0)),
          Buffer.from([0x0b]),
          u32(end - start),
          memory.subarray(start, end),
        ]),
      );
    }
  }
}

function snapshot(reactorFile, outFile) {
  const original = sections(readFileSync(reactorFile));
  const globals = globalTypes(original.find((s) => s.id === 6).payload);
  const exports = exportsOf(original.find((s) => s.id === 7).payload);
  if (!exports.some((e) => e.name === '_initialize')) throw new Error(`${reactorFile} is not a WASI reactor (no _initialize export)`);

  // Run _initialize in a copy that also exports every global, to read their values afterwards.
  const withGlobals = exportSection([...exports, ...globals.map((_, i) => ({ name: `${GLOBAL_EXPORT}${i}`, kind: 3, index: i }))]);
  const instrumented = new WebAssembly.Module(encodeModule(original.map((s) => (s.id === 7 ? { id: 7, payload: withGlobals } : s))));
  const devNull = openSync('/dev/null', 'r+');
  const wasi = new WASI({ version: 'preview1', args: ['validation-engine'], env: {}, stdin: devNull, stdout: devNull, stderr: 2 });
  const imports = wasi.getImportObject();
  const wasiImport = imports.wasi_snapshot_preview1;
  const clock = wasiImport.clock_time_get;
  let memoryOf;
  let lastMonotonic = 0n;
  wasiImport.clock_time_get = (id, precision, at) => {
    const errno = clock(id, precision, at);
    if (id === 1 && errno === 0) lastMonotonic = new DataView(memoryOf().buffer).getBigUint64(at, true);
    return errno;
  };
  const instance = new WebAssembly.Instance(instrumented, imports);
  memoryOf = () => instance.exports.memory;
  wasi.initialize(instance);

  const memory = new Uint8Array(instance.exports.memory.buffer);
  const globalSection = vector(
    globals.map(({ type, mutable }, i) => {
      const value = BigInt(instance.exports[`${GLOBAL_EXPORT}${i}`].value);
      return Buffer.concat([Buffer.from([type, mutable, type === 0x7f ? 0x41 : 0x42]), sleb(value), Buffer.from([0x0b])]);
    }),
  );
  const pages = memory.length / 65536;
  const out = original
    .filter((s) => s.id !== 12) // a data count section, if any, would count the old segments
    .map((s) => {
      if (s.id === 5) return { id: 5, payload: Buffer.concat([u32(1), Buffer.from([0]), u32(pages)]) };
      if (s.id === 6) return { id: 6, payload: globalSection };
      if (s.id === 7) return { id: 7, payload: exportSection(exports.filter((e) => e.name !== '_initialize')) };
      if (s.id === 11) return { id: 11, payload: vector(dataSegments(memory)) };
      return s;
    });
  out.push({
    id: 0,
    payload: Buffer.concat([name(SNAPSHOT_SECTION), Buffer.from(JSON.stringify({ monotonicNs: String(lastMonotonic) }))]),
  });
  const bytes = encodeModule(out);
  new WebAssembly.Module(bytes); // refuses a malformed module here rather than at the first run
  writeFileSync(outFile, bytes);
  return { pages, bytes: bytes.length };
}

if (require.main === module) {
  const [reactor, out] = process.argv.slice(2);
  const { pages, bytes } = snapshot(reactor, out);
  console.log(`snapshot: ${pages} pages of memory after initialisation, module ${(bytes / 2 ** 20).toFixed(0)} MiB`);
}

module.exports = { SNAPSHOT_SECTION };
