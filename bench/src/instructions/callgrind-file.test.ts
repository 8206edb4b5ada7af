import { describe, expect, it } from 'vitest';
import { countThread, isCompilerFunction } from './callgrind-file.js';

// The shape callgrind writes with --dump-instr=no (positions: line), names compressed after first use.
const SAMPLE = `# callgrind format
version: 1
positions: line
events: Ir
summary: 1175

ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) v8::internal::compiler::PipelineImpl::OptimizeGraph(v8::internal::compiler::Linkage*)
0 400
cfn=(2) v8::internal::Heap::Scavenge()
calls=1 0
0 300
fn=(2)
0 300
+2 50
fn=(3) Builtins_LoadIC
* 25
cfn=(4) v8::internal::maglev::MaglevGraphBuilder::Build()
calls=2 0
0 100
fn=(4)
-1 100
fn=(5) 0x0000000010225480
0 200

totals: 1175
`;

describe('callgrind files', () => {
  it("sums each function's own cost, not its callees', and sets V8's compilers apart", () => {
    // own costs: OptimizeGraph 400, Scavenge 350, LoadIC 25, Maglev 100, JIT code 200
    expect(countThread(SAMPLE)).toEqual({ total: 1075, compile: 500 });
  });

  it("counts the garbage collector, builtins and generated code as running, V8's compiler pipelines as compiling", () => {
    expect(isCompilerFunction('v8::internal::compiler::GraphReducer::Reduce(v8::internal::compiler::Node*)')).toBe(
      true,
    );
    expect(isCompilerFunction('v8::internal::maglev::MaglevCodeGenerator::Assemble()')).toBe(true);
    expect(isCompilerFunction('v8::internal::baseline::BaselineCompiler::GenerateCode()')).toBe(true);
    expect(isCompilerFunction('v8::internal::Parser::ParseProgram(v8::internal::Isolate*)')).toBe(true);
    expect(isCompilerFunction('Builtins_CompileLazy')).toBe(true);
    expect(
      isCompilerFunction(
        'v8::internal::interpreter::BytecodeArrayWriter::Write(v8::internal::interpreter::BytecodeNode*)',
      ),
    ).toBe(true);
    expect(isCompilerFunction('v8::internal::JsonParser<unsigned char>::ScanJsonString(bool)')).toBe(false);
    expect(isCompilerFunction('v8::internal::Scavenger::ScavengeObject(v8::internal::FullHeapObjectSlot)')).toBe(false);
    expect(isCompilerFunction('Builtins_LoadIC')).toBe(false);
    expect(isCompilerFunction('node::crypto::Verify::SignVerify(v8::FunctionCallbackInfo<v8::Value> const&)')).toBe(
      false,
    );
  });
});
