import type { CliCommand } from './command';

// Placeholder until the owning part lands.
export const lspCommand: CliCommand = {
  name: 'lsp',
  usage: 'lsp',
  run: () => Promise.reject(new Error('lsp is not implemented yet')),
};
