/**
 * The description of the machine a run happened on, for RESULTS.md.
 *
 * @module
 */
import { cpus, loadavg, release, totalmem, type } from 'node:os';

/** CPU, memory, OS and Node version. */
export interface MachineDescription {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
}

/** The machine this process runs on. */
export function describeMachine(): MachineDescription {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown CPU',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${type()} ${release()}`,
    node: process.version,
  };
}

/** The 1-minute load average, rounded: how busy the machine was apart from this run. */
export function currentLoad(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}
