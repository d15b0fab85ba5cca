// Bundle entry for dist/languageServer.js. createConnection reads the transport from argv
// (--stdio, --node-ipc, --socket=N), which is how the VS Code client and other editors start it.
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startLabelsServer } from './labelsServer';

startLabelsServer(createConnection(ProposedFeatures.all));
