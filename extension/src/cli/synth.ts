import type { CliCommand } from './command';

// Placeholder until the owning part lands.
export const synthCommand: CliCommand = {
  name: 'synth',
  usage: 'synth',
  run: () => Promise.reject(new Error('synth is not implemented yet')),
};
