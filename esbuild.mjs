// Bundles the three programs Marginalia ships: the extension (Node, CommonJS, `vscode` external),
// the `marginalia` CLI (Node) and the paper view's browser code, and draws the extension icon
// (scripts/icon.mjs). Types are checked by `tsc --noEmit`.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { buildIcon } from './scripts/icon.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  legalComments: 'none',
};

/** Prints one line per rebuild in watch mode, so the problem matcher of a watch task can follow it. */
const reportPlugin = {
  name: 'report',
  setup(build) {
    build.onStart(() => {
      if (watch) console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      if (watch) console.log('[watch] build finished');
    });
  },
};

/**
 * Copies the codicon font and its stylesheet next to the webview bundle: the page loads them from
 * dist/webview, since the packaged extension has no node_modules.
 */
const codiconsPlugin = {
  name: 'codicons',
  setup(build) {
    build.onEnd(() => {
      mkdirSync('dist/webview', { recursive: true });
      for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);
    });
  },
};

/**
 * Copies KaTeX's stylesheet and fonts next to the webview bundle (dist/webview/katex/). Only the
 * woff2 fonts ship, which every VS Code's Chromium reads: the stylesheet's woff and ttf fallbacks
 * are cut from its @font-face rules, so that it names no file the package leaves out.
 */
const katexPlugin = {
  name: 'katex',
  setup(build) {
    build.onEnd(() => {
      mkdirSync('dist/webview/katex/fonts', { recursive: true });
      const css = readFileSync('node_modules/katex/dist/katex.min.css', 'utf8').replace(/,url\([^)]*\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)/g, '');
      if (/\.(?:woff|ttf)\)/.test(css)) throw new Error('katex.min.css still names a woff or ttf font: the pattern in esbuild.mjs no longer matches it.');
      writeFileSync('dist/webview/katex/katex.min.css', css);
      for (const font of readdirSync('node_modules/katex/dist/fonts').filter((name) => name.endsWith('.woff2'))) {
        copyFileSync(`node_modules/katex/dist/fonts/${font}`, `dist/webview/katex/fonts/${font}`);
      }
    });
  },
};

/** citation-js's URL fetchers, which the extension and the CLI never use (see scripts/noNetwork.cjs). */
const noNetwork = { 'node-fetch': './scripts/noNetwork.cjs', 'sync-fetch': './scripts/noNetwork.cjs' };

const targets = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    alias: noNetwork,
    plugins: [reportPlugin],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    define: { MARGINALIA_VERSION: JSON.stringify(version) },
    alias: noNetwork,
    plugins: [reportPlugin],
  },
  {
    ...common,
    entryPoints: ['src/node/library/libraryWorker.ts'],
    outfile: 'dist/libraryWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    define: { MARGINALIA_VERSION: JSON.stringify(version) },
    plugins: [reportPlugin],
  },
  {
    ...common,
    entryPoints: ['src/node/search/searchWorker.ts'],
    outfile: 'dist/searchWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [reportPlugin],
  },
  {
    ...common,
    entryPoints: ['webview/paperView.ts'],
    outfile: 'dist/webview/paperView.js',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    plugins: [reportPlugin, codiconsPlugin, katexPlugin],
  },
];

// The extension icon (package.json "icon") is drawn from the activity-bar glyph on every build.
buildIcon('media/marginalia.svg', 'dist/icon.png');

if (watch) {
  const contexts = await Promise.all(targets.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
