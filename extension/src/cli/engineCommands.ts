import type { CliCommand } from './command';

// Placeholder until the engine lands.
function todo(name: string): CliCommand {
  return { name, usage: name, run: () => Promise.reject(new Error(`${name} is not implemented yet`)) };
}
export const trainCommand = todo('train');
export const evalCommand = todo('eval');
export const predictCommand = todo('predict');
