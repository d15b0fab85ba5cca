// What the extension's language client tells the labels language server when it starts
// (`initializationOptions`). The same server runs for any LSP editor (`digit-lens lsp --stdio`),
// where the extension's commands do not exist: features that run one are offered only to a client
// that says it has them.
import { isBoolean, optional, shape } from './guards';

export interface LabelsServerOptions {
  /** The client runs COMMANDS.inspectCrop: the server puts an "Inspect" code lens on the rows. */
  inspectCodeLens?: boolean;
}

export const isLabelsServerOptions = shape<LabelsServerOptions>({ inspectCodeLens: optional(isBoolean) });

/**
 * Above this many rows a labels file gets one code lens (inspect the row under the cursor) instead
 * of one per row: VS Code asks for every lens of a document after each edit, and a hundred
 * thousand of them would be megabytes of JSON per keystroke for lenses nobody scrolls to.
 */
export const MAX_ROW_CODE_LENSES = 2000;
