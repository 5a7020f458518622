/**
 * The paper view's page: a fixed template with its Content Security Policy. Nothing from a paper goes
 * into it; the page receives its data by postMessage (src/protocol.ts).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { paperViewCsp } from '../../core/paperView/contentSecurityPolicy';

/** What a paper view's webview may do and load: scripts, and files from dist/webview and media only. */
export function paperViewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** The page of a paper view in `webview`, with a fresh nonce. */
export function paperViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  // A fresh nonce per render: a page written with an old one cannot be replayed into this one.
  const nonce = randomBytes(18).toString('base64');
  const asset = (...path: string[]) => escapeAttribute(webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...path)).toString());
  const csp = paperViewCsp(nonce, webview.cspSource);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}">
<link rel="stylesheet" href="${asset('dist', 'webview', 'katex', 'katex.min.css')}">
<link rel="stylesheet" href="${asset('media', 'paperView.css')}">
<title>Paper</title>
</head>
<body>
<main id="paper"><p class="muted" role="status">Loading…</p></main>
<script nonce="${nonce}" src="${asset('dist', 'webview', 'paperView.js')}"></script>
</body>
</html>`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
