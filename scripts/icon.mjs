// The extension's 128x128 icon (package.json "icon"), drawn by the build from the activity-bar
// glyph media/marginalia.svg, so that the one drawing has no hand-made binary copy to fall out of
// date. The glyph's strokes are recoloured on a rounded tile and rendered with resvg.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const SIZE = 128;
const TILE = '#23395b';
const PAPER = '#f4ecd8';
const PENCIL = '#f2b33d';

/**
 * The icon's SVG: the glyph's paths (24x24, stroked with currentColor) scaled onto a tile, the
 * pages in paper colour and the last path (the pencil) in the accent colour.
 * @param {string} glyph the text of media/marginalia.svg
 * @returns {string}
 */
export function iconSvg(glyph) {
  const paths = glyph.match(/<path\b[^>]*\/>/g);
  if (!paths || paths.length < 2) throw new Error('media/marginalia.svg has fewer than two <path/> elements: the icon needs the pages and the pencil');
  const pages = paths.slice(0, -1).join('');
  const pencil = paths.at(-1);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <rect width="${SIZE}" height="${SIZE}" rx="26" fill="${TILE}"/>
  <g transform="translate(14 14) scale(4.17)" fill="none" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">
    <g stroke="${PAPER}">${pages}</g>
    <g stroke="${PENCIL}">${pencil}</g>
  </g>
</svg>`;
}

/**
 * Renders the icon from `glyphFile` into `outFile` as a PNG of SIZE x SIZE pixels.
 * @param {string} glyphFile
 * @param {string} outFile
 */
export function buildIcon(glyphFile, outFile) {
  const png = new Resvg(iconSvg(readFileSync(glyphFile, 'utf8')), { fitTo: { mode: 'width', value: SIZE } }).render().asPng();
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, png);
}
