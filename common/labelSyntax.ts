// The label rule on its own, free of Node modules, so the webview bundle checks a label typed in
// the gallery with the very rule the labels format and the language server use.

/** Digits (leading zeros kept, any count), '-' (no number in the crop) or '' (not labeled yet). */
export function isValidLabel(label: string): boolean {
  return /^(?:[0-9]+|-)?$/.test(label);
}
