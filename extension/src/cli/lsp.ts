// `digit-lens lsp --stdio`: the labels language server for any LSP editor, the same one VS Code runs.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startLabelsServer } from '../../../language-server/src/labelsServer';
import { UsageError, checkKnownFlags, parseArgs } from './args';
import type { CliCommand } from './command';

export const lspCliCommand: CliCommand = {
  name: 'lsp',
  usage: 'lsp --stdio                                 the language server, for any LSP editor',
  run(argv) {
    const args = parseArgs(argv, ['stdio']);
    checkKnownFlags(args, ['stdio']);
    if (args.flags.get('stdio') !== true) throw new UsageError('lsp needs --stdio (the only transport it speaks)');
    if (args.positionals.length > 0) throw new UsageError(`lsp takes no arguments, got '${args.positionals.join(' ')}'`);
    // Explicit streams rather than argv sniffing; stdout carries only protocol messages from here
    // on, so stray logging goes to stderr.
    for (const method of ['log', 'info', 'debug'] as const) console[method] = (...data: unknown[]) => console.error(...data);
    startLabelsServer(createConnection(ProposedFeatures.all, process.stdin, process.stdout));
    // The connection ends the process itself on `exit` or when stdin closes.
    return new Promise<number>(() => {});
  },
};
