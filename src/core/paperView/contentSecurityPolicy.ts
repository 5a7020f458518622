/**
 * The paper view's Content Security Policy. The page renders hostile digest text, so it may load
 * only what it uses: its own script (by nonce), its stylesheets and the codicon font from the
 * extension (`cspSource`). No images are rendered (an abstract's image shows as its alt text), so
 * there is no `img-src`; no frames, no connections, no forms: `default-src 'none'` refuses them.
 */
export function paperViewCsp(nonce: string, cspSource: string): string {
  // No 'unsafe-inline' for styles either: the Lit-based @vscode-elements style their shadow roots
  // with constructable stylesheets (adoptedStyleSheets), which are built through the CSSOM and not
  // subject to style-src; Lit falls back to <style> elements only in browsers without them, which
  // VS Code's Chromium is not. vscode-icon links codicon.css from its shadow root: that is cspSource.
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource}`, "base-uri 'none'", "form-action 'none'"].join(
    '; ',
  );
}
