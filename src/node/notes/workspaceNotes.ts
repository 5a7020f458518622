/**
 * The notes of a workspace on a local disk, found by the rule of core/notes/noteCatalog.ts: the
 * markdown files the extension's note index would list (every `*.md` outside the ignored folders),
 * each read as far as its front matter, and the notes folder the extension would use. The CLI has
 * no VS Code settings, so it reads `marginalia.notes.folder` from the workspace's
 * `.vscode/settings.json` (JSON with comments, read with jsonc-parser as VS Code does).
 */
import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';
// The ES module build: esbuild cannot follow the UMD build's requires (its "main").
import { parse, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { FRONT_MATTER_BYTES, MAX_MARKDOWN_FILES, NoteCatalog, DEFAULT_NOTES_FOLDER, isNoteFileName } from '../../core/notes/noteCatalog';
import { readNoteKey } from '../../core/notes/noteText';
import { IGNORED_FOLDERS } from '../../core/workspaceFiles';
import { mapLimited } from '../concurrency';
import { readHead, resolveInWorkspace } from './noteFiles';

/** The setting naming the notes folder (under `marginalia.`). */
export const NOTES_FOLDER_SETTING = 'notes.folder';
/** The workspace settings file, relative to the workspace. */
export const WORKSPACE_SETTINGS_FILE = path.join('.vscode', 'settings.json');

/**
 * The notes folder of the workspace `root` for the configured value of `marginalia.notes.folder`:
 * the default when it is not set, and the default (after `warn`) when it leads outside the workspace.
 */
export function notesFolder(root: string, configured: unknown, warn: (message: string) => void): string {
  const value = typeof configured === 'string' && configured.trim() !== '' ? configured : DEFAULT_NOTES_FOLDER;
  const resolved = resolveInWorkspace(root, value);
  if (resolved) return resolved;
  warn(`marginalia.notes.folder "${value}" leads outside the workspace; using "${DEFAULT_NOTES_FOLDER}".`);
  return path.join(root, DEFAULT_NOTES_FOLDER);
}

/**
 * `marginalia.notes.folder` as the workspace's `.vscode/settings.json` sets it; undefined when the
 * file is missing, unreadable or not an object (VS Code then uses the default too).
 */
export async function configuredNotesFolder(root: string, warn: (message: string) => void): Promise<unknown> {
  const file = path.join(root, WORKSPACE_SETTINGS_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') warn(`cannot read ${file} (${code ?? String(error)}); using the default notes folder.`);
    return undefined;
  }
  const errors: ParseError[] = [];
  const settings: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) warn(`${file} is not valid JSON with comments; reading what it could of it.`);
  return typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>)[`marginalia.${NOTES_FOLDER_SETTING}`] : undefined;
}

/**
 * Every markdown file a note can be in the workspace `root`, sorted, at most MAX_MARKDOWN_FILES:
 * the folders of IGNORED_FOLDERS are skipped, hidden ones are not (the extension's findFiles does
 * not skip them either). A folder that cannot be listed is left out, as findFiles leaves it out.
 */
export async function listMarkdownFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (folder: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(folder, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!IGNORED_FOLDERS.has(entry.name)) await visit(full);
      } else if (entry.isFile() && isNoteFileName(entry.name)) {
        found.push(full);
      }
    }
  };
  await visit(root);
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(0, MAX_MARKDOWN_FILES);
}

/** The key the front matter of the markdown file `file` names; undefined when it names none or cannot be read. */
export async function readNoteFileKey(file: string): Promise<string | undefined> {
  return readNoteKey(await readHead(file, FRONT_MATTER_BYTES));
}

/**
 * The note catalog of the workspace `root` over `files` (listMarkdownFiles), with the notes folder
 * its settings name. A file that cannot be read names no key, as in the extension.
 */
export async function readWorkspaceNotes(root: string, files: readonly string[], warn: (message: string) => void): Promise<NoteCatalog> {
  const folder = notesFolder(root, await configuredNotesFolder(root, warn), warn);
  const catalog = new NoteCatalog(path.sep, () => folder);
  // Read 16 at a time, as the extension does: thousands of notes one after another take seconds.
  const keys = await mapLimited(files, 16, (file) =>
    readNoteFileKey(file).catch((error: unknown) => {
      warn(`cannot read ${file} for its front matter (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
      return undefined;
    }),
  );
  files.forEach((file, index) => catalog.set(file, keys[index]));
  return catalog;
}
