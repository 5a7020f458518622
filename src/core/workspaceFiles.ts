/**
 * Which of a workspace's files Marginalia reads: the one owner of the folders every scan skips and
 * of the size limit on scanned files, for the CLI's folder walks (node/) and the extension's
 * findFiles calls and file watchers (host/). Pure: callers pass paths, names and sizes.
 */

/**
 * Folders no scan ever enters, whatever the settings say: installed packages, version control,
 * Marginalia's own state and VS Code's test installs. They hold no digest, note or citation of the
 * user's, and node_modules alone can hold a million files.
 */
export const IGNORED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git', '.hg', '.svn', '.marginalia', '.vscode-test']);

/**
 * Build output, skipped by the walks that list folders themselves (digest discovery, clone search,
 * citation scanning): it copies the user's files. The extension's findFiles calls leave build
 * folders to `files.exclude`, which the user controls.
 */
export const BUILD_FOLDERS: ReadonlySet<string> = new Set(['dist', 'out']);

/**
 * Build output of source trees, skipped as well when a folder is scanned for citations in code
 * (`marginalia bib --cited-in`): a Python cache or a `build/` copy would cite every key twice. Digest
 * discovery keeps them: a folder named `build` may well hold digests.
 */
export const SOURCE_BUILD_FOLDERS: ReadonlySet<string> = new Set([...BUILD_FOLDERS, 'build', '__pycache__']);

/** IGNORED_FOLDERS as findFiles exclude patterns, one per folder. */
export const IGNORED_FOLDER_GLOBS: readonly string[] = [...IGNORED_FOLDERS].map((name) => `**/${name}/**`);

/** IGNORED_FOLDERS as one findFiles exclude glob. */
export const IGNORED_FOLDERS_GLOB = `{${IGNORED_FOLDER_GLOBS.join(',')}}`;

/** Files larger than this are not scanned for citations or notes: source and notes are far smaller; this is data. */
export const MAX_SCANNED_BYTES = 2 * 1024 * 1024;

/** Whether `file` (a file-system path or a URI path, with `/` or `\` separators) lies inside an ignored folder. */
export function isInIgnoredFolder(file: string): boolean {
  return file.split(/[\\/]/).some((part) => IGNORED_FOLDERS.has(part));
}

/**
 * Whether a walk that lists folders itself enters the folder `name`: never a hidden or ignored one,
 * nor one of `buildFolders` (BUILD_FOLDERS, or SOURCE_BUILD_FOLDERS for source trees).
 */
export function walksInto(name: string, buildFolders: ReadonlySet<string> = BUILD_FOLDERS): boolean {
  return !name.startsWith('.') && !IGNORED_FOLDERS.has(name) && !buildFolders.has(name);
}
