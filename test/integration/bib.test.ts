// BibTeX export and code links in a real VS Code: Copy BibTeX for a multi-selection, Export BibTeX
// and CSL-JSON for a tag (the save dialog replaced by a target Uri), and Open Code finding a clone
// of the paper's repository in the workspace by its git remote.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { LibraryStore } from '../../src/node/library/libraryStore';
import { waitFor, workspaceRoot, activateMarginalia } from './workspace';

/** The entries of a BibTeX text as a real parser (citation-js's) reads them: key and title. */
function parseBibtex(text: string): { id: string; title: string }[] {
  return (new Cite(text) as unknown as { data: { id: string; title: string }[] }).data.map(({ id, title }) => ({ id, title }));
}

suite('BibTeX export and code links', () => {
  let api: MarginaliaApi;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
  });

  // The suites share one workspace: leave it as this suite found it.
  suiteTeardown(async () => {
    await new LibraryStore(workspaceRoot()).update((records) => {
      records.removeTag(['thoughtCloning', 'dynamo', 'vpt'], 'export-test');
      return records;
    });
    for (const file of ['exports', 'notes/cited.md', 'notes/train.py', 'code']) fs.rmSync(path.join(workspaceRoot(), file), { recursive: true, force: true });
    await waitFor('the library to drop the test tag', () => !api.library.papers.some((paper) => api.library.tagsOf(paper.key).includes('export-test')));
  });

  test('Copy BibTeX puts valid entries for the two selected papers on the clipboard', async () => {
    await vscode.env.clipboard.writeText('');
    // The tree passes the clicked node and the whole selection; keys stand for nodes here.
    await vscode.commands.executeCommand(CommandIds.copyBibtex, 'vpt', ['vpt', 'pasta']);
    const text = await vscode.env.clipboard.readText();
    assert.deepEqual(
      [...text.matchAll(/^@misc\{([^,]+),$/gm)].map((m) => m[1]),
      ['vpt', 'pasta'],
    );
    const entries = parseBibtex(text);
    assert.deepEqual(
      entries.map((entry) => entry.id),
      ['vpt', 'pasta'],
    );
    assert.equal(entries[0].title, api.library.get('vpt')?.title);
    assert.equal(entries[1].title, api.library.get('pasta')?.title);
  });

  test('Export BibTeX and CSL-JSON for a tag write exactly the tagged papers; an empty tag writes nothing', async () => {
    const tagged = ['thoughtCloning', 'dynamo', 'vpt'];
    for (const key of tagged) assert.ok(api.library.get(key), `${key} is in the seeds`);
    await new LibraryStore(workspaceRoot()).update((records) => {
      records.addTag(tagged, 'export-test');
      return records;
    });
    await waitFor('the library to see the new tag', () => tagged.every((key) => api.library.tagsOf(key).includes('export-test')));

    const bibFile = vscode.Uri.file(path.join(workspaceRoot(), 'exports', 'export-test.bib'));
    fs.mkdirSync(path.dirname(bibFile.fsPath), { recursive: true });
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(CommandIds.exportBibtex, {
      scope: { kind: 'tag', tag: 'export-test' },
      target: bibFile,
    });
    assert.equal(written?.fsPath, bibFile.fsPath);
    const bibtex = fs.readFileSync(bibFile.fsPath, 'utf8');
    assert.deepEqual(
      parseBibtex(bibtex).map((entry) => entry.id),
      [...tagged].sort(),
    );
    assert.equal((bibtex.match(/keywords = \{export-test\}/g) ?? []).length, 3);
    assert.deepEqual(
      fs.readdirSync(path.dirname(bibFile.fsPath)).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file is left',
    );

    const jsonFile = vscode.Uri.file(path.join(workspaceRoot(), 'exports', 'export-test.json'));
    await vscode.commands.executeCommand(CommandIds.exportCslJson, { scope: { kind: 'tag', tag: 'export-test' }, target: jsonFile });
    const items = JSON.parse(fs.readFileSync(jsonFile.fsPath, 'utf8')) as { id: string; type: string }[];
    assert.deepEqual(
      items.map((item) => item.id),
      [...tagged].sort(),
    );

    const nothing = vscode.Uri.file(path.join(workspaceRoot(), 'exports', 'nothing.bib'));
    const none = await vscode.commands.executeCommand(CommandIds.exportBibtex, { scope: { kind: 'tag', tag: 'no-paper-has-this' }, target: nothing });
    assert.equal(none, undefined);
    assert.equal(fs.existsSync(nothing.fsPath), false);
  });

  test('Export for the papers cited in the workspace finds markdown and code citations', async () => {
    fs.mkdirSync(path.join(workspaceRoot(), 'notes'), { recursive: true });
    fs.writeFileSync(path.join(workspaceRoot(), 'notes', 'cited.md'), 'Building on [@pasta] and [@notInTheLibrary].\n');
    fs.writeFileSync(path.join(workspaceRoot(), 'notes', 'train.py'), '# [@vpt] Video PreTraining\n');
    // The export reads the citation index, which learns of new files from the file watcher.
    await waitFor('the citation index to see both files', () =>
      ['pasta', 'vpt'].every((key) => api.citations.mentionsOf(key).some((m) => /notes\/(cited\.md|train\.py)$/.test(m.uri.path))),
    );
    const target = vscode.Uri.file(path.join(workspaceRoot(), 'exports', 'cited.bib'));
    await vscode.commands.executeCommand(CommandIds.exportBibtex, { scope: { kind: 'cited' }, target });
    const keys = parseBibtex(fs.readFileSync(target.fsPath, 'utf8')).map((entry) => entry.id);
    assert.ok(keys.includes('pasta') && keys.includes('vpt'), keys.join(', '));
    assert.ok(!keys.includes('notInTheLibrary'));
  });

  test("Open Code offers the local clone whose git remote names the paper's repository", async () => {
    const key = api.library.papers.find((paper) => paper.links.includes('https://github.com/argmax-ai/aime'))?.key;
    assert.ok(key, 'a seed paper links github.com/argmax-ai/aime');
    assert.deepEqual(api.codeLinks.codeLinksOf(key), ['https://github.com/argmax-ai/aime']);
    // A clone two levels down (ssh remote, other case), and a clone of another repository.
    const clone = path.join(workspaceRoot(), 'code', 'aime-clone');
    fs.mkdirSync(path.join(clone, '.git'), { recursive: true });
    fs.writeFileSync(
      path.join(clone, '.git', 'config'),
      '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@github.com:Argmax-AI/AIME.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
    );
    const other = path.join(workspaceRoot(), 'code', 'other');
    fs.mkdirSync(path.join(other, '.git'), { recursive: true });
    fs.writeFileSync(path.join(other, '.git', 'config'), '[remote "origin"]\n\turl = https://github.com/argmax-ai/not-aime.git\n');

    const actions = await api.codeLinks.actionsFor('https://github.com/argmax-ai/aime');
    assert.deepEqual(
      actions.map((action) => [action.action, action.folder?.fsPath]),
      [
        ['browser', undefined],
        ['revealClone', clone],
        ['openClone', clone],
      ],
    );
    assert.deepEqual((await api.codeLinks.localClones('https://github.com/other/repo')).length, 0);
    // The quick pick that shows these actions is checked as a person sees it in test/e2e/bibCode.test.mts.
  });
});
