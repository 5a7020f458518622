/**
 * The export that stays current (setting `marginalia.autoExport.file`): which papers it holds, the
 * text of the file, and whether a file on disk may be replaced. Pure; the host's
 * bib/autoExport.ts watches and writes. A file is Marginalia's to rewrite only when its first line
 * is AUTO_EXPORT_MARKER: a file the user wrote is never overwritten.
 */

/** The first line of every file the auto-export writes; also how the bibliography reader skips them. */
export const AUTO_EXPORT_MARKER = '% Written by Marginalia';

/** Which papers the auto-export holds: all, those with a tag, or those cited in the workspace. */
export type AutoExportScope = { kind: 'all' } | { kind: 'tag'; tag: string } | { kind: 'cited' };

/** Reads the setting `marginalia.autoExport.papers`: "cited" (the default), "all" or "tag:NAME". */
export function parseAutoExportScope(value: unknown): AutoExportScope | { error: string } {
  if (value === undefined || value === null || value === '' || value === 'cited') return { kind: 'cited' };
  if (value === 'all') return { kind: 'all' };
  if (typeof value === 'string' && value.startsWith('tag:') && value.length > 4) return { kind: 'tag', tag: value.slice(4) };
  return { error: `marginalia.autoExport.papers is ${JSON.stringify(value)}; use "cited", "all" or "tag:NAME".` };
}

/** The whole file: the marker line, a line saying what it holds, then the BibTeX entries. */
export function autoExportText(bibtex: string, scope: AutoExportScope, count: number): string {
  const what =
    scope.kind === 'all' ? 'every paper of the library' : scope.kind === 'tag' ? `the papers tagged "${scope.tag}"` : 'the papers cited in the workspace';
  return `${AUTO_EXPORT_MARKER} (marginalia.autoExport), rewritten whenever the library or the citations change; edit the library, not this file.\n% ${count} entr${count === 1 ? 'y' : 'ies'}: ${what}.\n\n${bibtex}`;
}

/** What to do with the target, given its text now (null: no such file) and the text it should have. */
export function autoExportAction(existing: string | null, next: string): 'write' | 'unchanged' | 'notOurs' {
  if (existing === null) return 'write';
  if (!existing.replace(/^\ufeff/, '').startsWith(AUTO_EXPORT_MARKER)) return 'notOurs';
  return existing === next ? 'unchanged' : 'write';
}

/**
 * The target's path inside the workspace folder `root` for the setting's value, or why it cannot be
 * one: an absolute path, or one that leaves the folder through `..`, is refused (a workspace's
 * settings must not aim writes elsewhere), and so is a file not ending in `.bib`.
 */
export function autoExportPath(root: string, value: string): { path: string } | { error: string } {
  const relative = value.trim().replace(/\\/g, '/');
  if (relative === '') return { error: 'no file is set' };
  if (/^(?:[A-Za-z]:)?\//.test(relative))
    return { error: `marginalia.autoExport.file must be relative to the workspace folder, not ${JSON.stringify(value)}.` };
  const parts: string[] = [];
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return { error: `marginalia.autoExport.file must stay inside the workspace folder, not ${JSON.stringify(value)}.` };
      parts.pop();
    } else parts.push(part);
  }
  if (parts.length === 0 || !/\.bib$/i.test(parts[parts.length - 1]))
    return { error: `marginalia.autoExport.file must name a .bib file, not ${JSON.stringify(value)}.` };
  return { path: `${root.replace(/[\\/]+$/, '')}/${parts.join('/')}` };
}
