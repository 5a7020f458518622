// The extension and the CLI find the same notes: with `marginalia.notes.folder` set through VS Code
// (so written to the workspace's .vscode/settings.json), a note in that folder, a nested note
// named by its front matter and a markdown file in the old default folder, the extension's note
// index and the CLI give every paper the same note, and `marginalia search` finds the notes' words.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { Paper } from '../../src/core/types';
import type { MarginaliaApi } from '../../src/extension';
import { listMarkdownFiles, readWorkspaceNotes } from '../../src/node/notes/workspaceNotes';
import { seedLibrary, waitFor, workspaceRoot } from './workspace';

suite('Notes: the extension and the CLI agree', () => {
  let api: MarginaliaApi;
  let papers: Paper[];
  const written: string[] = [];

  suiteSetup(async function () {
    this.timeout(60_000);
    ({ api, papers } = await seedLibrary());
  });

  suiteTeardown(async () => {
    for (const file of written) fs.rmSync(file, { force: true });
    for (const folder of ['reading/parity', 'projects']) fs.rmSync(path.join(workspaceRoot(), folder), { recursive: true, force: true });
    await vscode.workspace.getConfiguration('marginalia').update('notes.folder', undefined, vscode.ConfigurationTarget.Workspace);
  });

  test('every paper has the same note in both, and the CLI searches those notes', async function () {
    this.timeout(30_000);
    const root = workspaceRoot();
    await vscode.workspace.getConfiguration('marginalia').update('notes.folder', 'reading/parity', vscode.ConfigurationTarget.Workspace);
    const [inFolder, named, stray] = [papers[40], papers[41], papers[42]];
    const write = (relative: string, text: string) => {
      const file = path.join(root, relative);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      written.push(file);
      return file;
    };
    const folderNote = write(`reading/parity/${inFolder.key}.md`, 'parityalpha\n');
    const namedNote = write('projects/parity/deep/thoughts.md', `---\nkey: ${named.key}\n---\nparitybeta\n`);
    write(`notes/${stray.key}.md`, 'paritygamma\n');
    await waitFor(
      'the extension to find both notes',
      () => api.notes.index.noteFile(inFolder.key) === folderNote && api.notes.index.noteFile(named.key) === namedNote,
    );
    assert.equal(api.notes.index.noteFile(stray.key), undefined);

    const cli = await readWorkspaceNotes(root, await listMarkdownFiles(root), (line) => assert.fail(line));
    const differ = papers.filter((paper) => cli.noteFile([paper.key, ...paper.aliases]) !== api.notes.index.noteFile(paper.key)).map((paper) => paper.key);
    assert.deepEqual(differ, []);

    const bundle = path.join(vscode.extensions.getExtension('marginalia.marginalia')!.extensionPath, 'dist', 'cli.js');
    const search = async (word: string) => {
      const { stdout } = await promisify(execFile)(process.execPath, [bundle, 'search', '--json', '--root', root, word], {
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      }).catch((error: { code?: number; stdout?: string }) => (error.code === 1 ? { stdout: error.stdout ?? '' } : Promise.reject(error as Error)));
      return (JSON.parse(stdout) as { results: { key: string }[] }).results.map((hit) => hit.key);
    };
    assert.deepEqual(await search('parityalpha'), [inFolder.key]);
    assert.deepEqual(await search('paritybeta'), [named.key]);
    assert.deepEqual(await search('paritygamma'), []);
  });
});
