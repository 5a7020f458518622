/**
 * The citation keys cited in a folder on a local disk (for `marginalia bib --cited-in DIR`): every
 * markdown, LaTeX and source file the citation scanner reads, recursively, skipping hidden and
 * build folders.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { citationSyntaxForFileName, scanCitations } from '../../core/citations/scanner';
import { MAX_SCANNED_BYTES, SOURCE_BUILD_FOLDERS, walksInto } from '../../core/workspaceFiles';

/** What a scan found: the keys (in order of first mention), where each is cited, and how many files it read. */
export interface CitedKeys {
  keys: string[];
  /** Key -> every place it is cited (1-based lines), in file order. */
  locations: Map<string, { file: string; line: number }[]>;
  files: number;
}

/** Scans `folder` recursively; throws the file system's error when `folder` cannot be read. */
export async function citedKeysInFolder(folder: string): Promise<CitedKeys> {
  const keys = new Set<string>();
  const locations = new Map<string, { file: string; line: number }[]>();
  let files = 0;
  const visit = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (walksInto(entry.name, SOURCE_BUILD_FOLDERS)) await visit(full);
        continue;
      }
      const syntax = entry.isFile() ? citationSyntaxForFileName(entry.name) : undefined;
      if (!syntax) continue;
      const stat = await fs.stat(full);
      if (stat.size > MAX_SCANNED_BYTES) continue;
      files++;
      for (const mention of scanCitations(await fs.readFile(full, 'utf8'), syntax)) {
        keys.add(mention.key);
        const place = { file: full, line: mention.line + 1 };
        const list = locations.get(mention.key);
        if (list) list.push(place);
        else locations.set(mention.key, [place]);
      }
    }
  };
  await visit(folder);
  return { keys: [...keys], locations, files };
}
