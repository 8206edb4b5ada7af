/**
 * Reads callgrind's output files (format: valgrind's "Callgrind Format Specification") for the one
 * split the instruction counts need: how much of a thread's count is V8 compiling JavaScript
 * (parser, bytecode generator, Sparkplug, Maglev, TurboFan) and how much is running it.
 * Compilation is warm-up: a function is compiled a few times in a process's life, and how many of
 * those compilations fall inside a measured window depends on when V8's tiering decides, not on
 * the work measured. Regular expressions and WebAssembly modules are compiled once too. JSON
 * parsing is not compilation (`JsonParser` runs for every token). bench/README.md, "Instruction counts", has the figures that led to the split.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** A function's own instructions (not its callees') by whether it belongs to V8's compilers. */
export interface ThreadCount {
  total: number;
  compile: number;
}

/**
 * The functions of V8's compiler pipelines (C++ symbols in the node binary) and the builtins that
 * enter them. Everything else, garbage collection included, counts as running.
 */
const COMPILER =
  /v8::internal::(?:compiler::|maglev::|turboshaft::|baseline::|wasm::|interpreter::Bytecode(?:Generator|ArrayWriter|ArrayBuilder|RegisterOptimizer)|Parser|ParserBase|PreParser|Scanner|Compiler::|OptimizedCompilationJob|UnoptimizedCompilationJob|RegExpCompiler|RegExpBytecodePeepholeOptimization)|Builtins_Compile/;

/** Whether a function name (as callgrind prints it) is part of V8's compilers. */
export function isCompilerFunction(name: string): boolean {
  return COMPILER.test(name);
}

/**
 * Sums the self cost of every function in one callgrind output file (one thread with
 * `--separate-threads=yes`). Cost lines after a `calls=` line are the callee's inclusive cost and
 * are not the caller's own, so they are skipped; names are compressed as `fn=(id) name` on first
 * use and `fn=(id)` after it (`cfn=` lines also define them).
 */
export function countThread(text: string): ThreadCount {
  const names = new Map<string, string>();
  let current: string | undefined;
  let callCost = false;
  let total = 0;
  let compile = 0;
  for (const line of text.split('\n')) {
    const first = line.charCodeAt(0);
    // a cost line: a position (number, or +n/-n/* relative to the previous one), then the events
    if ((first >= 48 && first <= 57) || first === 43 || first === 45 || first === 42) {
      if (callCost) {
        callCost = false;
        continue;
      }
      const cost = Number(line.slice(line.indexOf(' ') + 1).split(' ', 1)[0]);
      if (!Number.isFinite(cost) || current === undefined) continue;
      total += cost;
      if (isCompilerFunction(current)) compile += cost;
      continue;
    }
    if (line.startsWith('calls=')) {
      callCost = true;
      continue;
    }
    const name = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (name !== null) {
      const [, kind, id, spelled] = name;
      if (spelled !== undefined) names.set(id!, spelled);
      if (kind === 'fn') current = names.get(id!) ?? id!;
    }
  }
  return { total, compile };
}

/** {@link countThread} of a file. */
export function countThreadFile(file: string): ThreadCount {
  return countThread(readFileSync(file, 'utf8'));
}
