// The Related view follows what one writes, in a real VS Code: the paragraph around the cursor in
// markdown (moving between a paragraph about driving and one about image generation changes the
// papers), the comment block of code, and not a .bib or a .json file, which leave the view as it is.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { activateMarginalia, waitFor, workspaceRoot } from './workspace';

const DRIVING = 'Our planner drives an autonomous vehicle through dense traffic: end-to-end driving policies trained in closed-loop traffic simulation.';
const IMAGES = 'Text-to-image diffusion models generate images; we study how image generation replicates its training data.';

suite('The Related view follows the editor', () => {
  let api: MarginaliaApi;
  const files: string[] = [];
  const write = (name: string, text: string) => {
    const file = path.join(workspaceRoot(), name);
    fs.writeFileSync(file, text);
    files.push(file);
    return vscode.Uri.file(file);
  };
  const titles = () => api.related.snapshot().rows.map((row) => api.library.get(row.key)?.title ?? row.key);
  const placeCursor = (editor: vscode.TextEditor, line: number) => {
    editor.selection = new vscode.Selection(line, 3, line, 3);
  };

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await api.search.ready;
    await api.search.refresh();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const file of files) fs.rmSync(file, { force: true });
  });

  test('moving between two paragraphs of markdown changes the papers; a .bib and a .json file leave them', async () => {
    const draft = write('related-draft.md', `# Draft\n\n${DRIVING}\nA second line of the same paragraph.\n\n${IMAGES}\n`);
    const editor = await vscode.window.showTextDocument(draft);
    placeCursor(editor, 3);
    const driving = await waitFor(
      'papers for the driving paragraph',
      () => api.related.snapshot(),
      ({ subject, rows }) => subject?.kind === 'text' && subject.label === 'paragraph at line 3 of related-draft.md' && rows.length > 0,
    );
    assert.ok(driving.subject?.kind === 'text' && driving.subject.text.startsWith(DRIVING), 'the whole paragraph, its first line included');
    assert.ok(
      titles()
        .slice(0, 3)
        .some((title) => /driv|traffic/i.test(title)),
      titles().join(' | '),
    );
    assert.match(driving.rows[0].description, /^100% · \w/, 'a relative score, then the shared words');

    placeCursor(editor, 5);
    const images = await waitFor(
      'papers for the image paragraph',
      () => api.related.snapshot(),
      ({ subject }) => subject?.kind === 'text' && subject.label === 'paragraph at line 6 of related-draft.md',
    );
    assert.notDeepEqual(
      images.rows.map((row) => row.key),
      driving.rows.map((row) => row.key),
    );
    assert.ok(
      titles()
        .slice(0, 3)
        .some((title) => /diffusion|image|replicat/i.test(title)),
      titles().join(' | '),
    );

    // A bibliography and a data file are not what one writes about: the view keeps the image paragraph's
    // papers. (A new .bib entry joins the index, which may nudge the scores, not the subject.)
    const before = api.related.snapshot();
    for (const [name, text] of [
      ['related-refs.bib', '@misc{driving2024,\n  title = {Autonomous driving in dense traffic},\n}\n'],
      ['related-data.json', '{ "topic": "autonomous driving traffic vehicles" }\n'],
    ]) {
      const other = await vscode.window.showTextDocument(write(name, text));
      placeCursor(other, 1);
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await api.related.settled();
      const after = api.related.snapshot();
      assert.deepEqual(after.subject, before.subject, `${name} changed the Related view's subject`);
      assert.equal(after.rows[0]?.key, before.rows[0]?.key, `${name} changed the Related view's papers`);
    }
  });

  test('in code, the comment block around the cursor', async () => {
    const code = write(
      'related_policy.py',
      'import torch\n\n# Behavioral cloning from expert demonstrations:\n# the policy imitates the demonstrator.\ndef train():\n    return 1\n',
    );
    const editor = await vscode.window.showTextDocument(code);
    placeCursor(editor, 3);
    const snapshot = await waitFor(
      'papers for the comment',
      () => api.related.snapshot(),
      ({ subject, rows }) => subject?.kind === 'text' && subject.label === 'comment at line 3 of related_policy.py' && rows.length > 0,
    );
    assert.ok(snapshot.subject?.kind === 'text' && !snapshot.subject.text.includes('import torch'));
    assert.ok(
      titles()
        .slice(0, 3)
        .some((title) => /clon|imitat|demonstrat/i.test(title)),
      titles().join(' | '),
    );
  });
});
