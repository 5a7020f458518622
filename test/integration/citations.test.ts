// Citations in a real VS Code: the workspace index and "Cited in" (following edits and files on
// disk), backlinks, Insert Citation, completion, hover, definition, links, references, and the
// unknown-key warning with its quick fixes, in markdown, LaTeX, TypeScript and Python documents.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { waitFor, workspaceRoot, activateMarginalia } from './workspace';

function fileUri(relative: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), relative));
}

/** Opens an untitled document of a language with `text`, the cursor at the `|` (removed). */
async function editorWith(language: string, text: string): Promise<vscode.TextEditor> {
  const offset = text.indexOf('|');
  const content = offset >= 0 ? text.slice(0, offset) + text.slice(offset + 1) : text;
  const document = await vscode.workspace.openTextDocument({ language, content });
  const editor = await vscode.window.showTextDocument(document);
  if (offset >= 0) {
    const position = document.positionAt(offset);
    editor.selection = new vscode.Selection(position, position);
  }
  return editor;
}

/** The position of the n-th occurrence of `needle` in a document, plus `delta` characters. */
function positionOf(document: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the document`);
  return document.positionAt(offset + delta);
}

async function completionLabels(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
  return list.items
    .filter((item) => item.kind === vscode.CompletionItemKind.Reference)
    .sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? ''))
    .map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

/** Text as the hover's markdown holds it: punctuation backslash-escaped. */
function markdownEscaped(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~:$]/g, '\\$&');
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : 'value' in content ? content.value : '')))
    .join('\n');
}

suite('Citations', () => {
  let api: MarginaliaApi;
  const created: string[] = [];

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await api.citations.ready;
    for (const key of ['digestToLibrary', 'marginalNotes', 'citationKeysNever', 'offlineRelatedPaper']) {
      assert.ok(api.library.get(key), `the fixture digest's paper ${key} is in the library`);
    }
  });

  teardown(async () => {
    // Untitled documents are dirty: reverting them first closes them without a "Save?" dialog.
    for (let i = 0; i < 50 && vscode.window.activeTextEditor; i++) {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const file of created.splice(0)) fs.rmSync(file, { force: true });
  });

  test('"Cited in" lists exactly the three lines that cite a paper, and follows an edit that removes one', async () => {
    const lines = () => api.citedIn.entries('digestToLibrary').map((e) => `${e.label}:${e.line}:${e.kind}`);
    assert.deepEqual(lines(), ['notes/reading.md:5:markdown', 'paper/main.tex:3:latex', 'src/parser.ts:1:code']);
    const entry = api.citedIn.entries('digestToLibrary').find((e) => e.kind === 'latex');
    assert.match(entry?.text ?? '', /^Parsing digests robustly~\\cite\{digestToLibrary\}/);

    // An edit in an open editor (not saved) removes the TypeScript citation.
    const document = await vscode.workspace.openTextDocument(fileUri('src/parser.ts'));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((builder) => builder.delete(document.lineAt(0).rangeIncludingLineBreak));
    await waitFor('the edit to reach Cited in', lines, (value) => value.length === 2);
    assert.deepEqual(lines(), ['notes/reading.md:5:markdown', 'paper/main.tex:3:latex']);

    // Putting the line back (and saving) brings the citation back.
    await editor.edit((builder) => builder.insert(new vscode.Position(0, 0), '// [@digestToLibrary] Digest to Library (parsing newsletters robustly)\n'));
    assert.ok(await document.save());
    await waitFor('the citation to count again', lines, (value) => value.length === 3);
    assert.deepEqual(lines(), ['notes/reading.md:5:markdown', 'paper/main.tex:3:latex', 'src/parser.ts:1:code']);
  });

  test('backlinks: [@key], [see @key, p. 3] and [@key1; @key2] in any markdown file appear and disappear with the file', async () => {
    const file = path.join(workspaceRoot(), 'notes', 'backlinks-test.md');
    created.push(file);
    const backlinks = (key: string) =>
      api.citedIn
        .entries(key)
        .filter((e) => e.kind === 'markdown' && e.label === 'notes/backlinks-test.md')
        .map((e) => e.line);
    fs.writeFileSync(file, 'One [@marginalNotes].\nTwo [see @citationKeysNever, p. 3].\nThree [@offlineRelatedPaper; @digestToLibrary].\n');
    await waitFor(
      'backlinks from the new note',
      () => [backlinks('marginalNotes'), backlinks('citationKeysNever'), backlinks('offlineRelatedPaper'), backlinks('digestToLibrary')],
      (v) => v.every((lines) => lines.length === 1),
    );
    assert.deepEqual(backlinks('citationKeysNever'), [2]);
    assert.deepEqual(backlinks('digestToLibrary'), [3]);

    // The mention of one paper is removed on disk: its backlink goes, the others stay.
    fs.writeFileSync(file, 'One [@marginalNotes].\nTwo, no citation any more.\nThree [@offlineRelatedPaper; @digestToLibrary].\n');
    await waitFor(
      'the removed backlink to go',
      () => backlinks('citationKeysNever'),
      (v) => v.length === 0,
    );
    assert.deepEqual(backlinks('marginalNotes'), [1]);

    fs.rmSync(file);
    await waitFor(
      'every backlink of the deleted note to go',
      () => [backlinks('marginalNotes'), backlinks('digestToLibrary')],
      (v) => v.every((lines) => lines.length === 0),
    );
  });

  test('a folder arriving whole (a copy, a git pull) with citing files is indexed, and its citations go with the folder', async () => {
    const folder = path.join(workspaceRoot(), 'arrived-chapter');
    const citing = (key: string) =>
      api.citedIn
        .entries(key)
        .filter((e) => e.label.startsWith('arrived-chapter/'))
        .map((e) => `${e.label}:${e.line}`);
    // Written in a temporary folder and moved in: the watcher sees the folder, not each file.
    const staging = fs.mkdtempSync(path.join(path.dirname(workspaceRoot()), 'staging-'));
    fs.mkdirSync(path.join(staging, 'sections'));
    fs.writeFileSync(path.join(staging, 'sections', 'intro.md'), 'Why it matters [@marginalNotes].\n');
    fs.writeFileSync(path.join(staging, 'main.tex'), 'As shown in \\cite{digestToLibrary}.\n');
    try {
      fs.renameSync(staging, folder);
      await waitFor(
        'the citations of the folder that arrived',
        () => [citing('marginalNotes'), citing('digestToLibrary')],
        (v) => v[0].length === 1 && v[1].length === 1,
      );
      assert.deepEqual(citing('marginalNotes'), ['arrived-chapter/sections/intro.md:1']);
      assert.deepEqual(citing('digestToLibrary'), ['arrived-chapter/main.tex:1']);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      fs.rmSync(staging, { recursive: true, force: true });
    }
    await waitFor(
      'the citations of the deleted folder to go',
      () => [citing('marginalNotes'), citing('digestToLibrary')],
      (v) => v.every((lines) => lines.length === 0),
    );
  });

  test("Insert Citation writes the language's format at every cursor", async () => {
    const markdown = await editorWith('markdown', 'As shown .\nAnd here: ');
    const offsets = [9, markdown.document.getText().length];
    markdown.selections = offsets.map((o) => new vscode.Selection(markdown.document.positionAt(o), markdown.document.positionAt(o)));
    await vscode.commands.executeCommand(CommandIds.insertCitation, 'digestToLibrary');
    assert.equal(markdown.document.getText(), 'As shown [@digestToLibrary].\nAnd here: [@digestToLibrary]');

    const latex = await editorWith('latex', 'Robust parsing~|.');
    await vscode.commands.executeCommand(CommandIds.insertCitation, 'digestToLibrary');
    assert.equal(latex.document.getText(), 'Robust parsing~\\cite{digestToLibrary}.');

    // In code, at the end of the line: a comment in the middle would comment out the code after the cursor.
    const ts = await editorWith('typescript', 'const lines = |parse(text);\n');
    await vscode.commands.executeCommand(CommandIds.insertCitation, 'digestToLibrary');
    assert.equal(ts.document.getText(), 'const lines = parse(text); // [@digestToLibrary] Digest to Library\n');

    const python = await editorWith('python', 'def search():\n    |\n');
    await vscode.commands.executeCommand(CommandIds.insertCitation, 'offlineRelatedPaper');
    assert.equal(python.document.getText(), 'def search():\n    # [@offlineRelatedPaper] Offline Related-Paper Search with Small Text Indexes\n');

    // Inside a comment already: only the citation.
    const comment = await editorWith('python', 'x = 1  # see |\n');
    await vscode.commands.executeCommand(CommandIds.insertCitation, 'marginalNotes');
    assert.equal(comment.document.getText(), 'x = 1  # see [@marginalNotes]\n');
  });

  test('Insert Citation follows marginalia.citation.formats, and Copy Citation copies the same text', async () => {
    const config = vscode.workspace.getConfiguration('marginalia.citation');
    await config.update('formats', { markdown: '@${key} (${year}): ${shortTitle} <${url}>' }, vscode.ConfigurationTarget.Workspace);
    try {
      const editor = await editorWith('markdown', '|');
      await vscode.commands.executeCommand(CommandIds.insertCitation, 'marginalNotes');
      // The fixture paper has no year and no link: the empty parentheses go, the empty <> stays as written.
      assert.equal(editor.document.getText(), '@marginalNotes: Marginal Notes <>');
      const copied = await vscode.commands.executeCommand<string>(CommandIds.copyCitation, 'marginalNotes');
      assert.equal(copied, '@marginalNotes: Marginal Notes <>');
      assert.equal(await vscode.env.clipboard.readText(), copied);
    } finally {
      await config.update('formats', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('completion after [@ in markdown, in \\cite{ in LaTeX, and after [@ in TypeScript and Python comments', async () => {
    const markdown = await editorWith('markdown', 'See [@dig|');
    assert.deepEqual((await completionLabels(markdown.document, markdown.selection.active))[0], 'digestToLibrary');
    const afterSemicolon = await editorWith('markdown', 'See [@marginalNotes; offlineRel|');
    assert.deepEqual((await completionLabels(afterSemicolon.document, afterSemicolon.selection.active))[0], 'offlineRelatedPaper');
    const list0 = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      afterSemicolon.document.uri,
      afterSemicolon.selection.active,
    );
    // After `;` without `@`, the item brings its own `@`.
    assert.equal(
      list0.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'offlineRelatedPaper')?.insertText,
      '@offlineRelatedPaper',
    );

    const latex = await editorWith('latex', '\\citep[p.~2]{marginalNotes, offlineRel|}');
    assert.deepEqual((await completionLabels(latex.document, latex.selection.active))[0], 'offlineRelatedPaper');

    const ts = await editorWith('typescript', 'run(); // see [@mar|');
    assert.deepEqual((await completionLabels(ts.document, ts.selection.active))[0], 'marginalNotes');
    // Title words match too: "newsletters" is in the title of digestToLibrary.
    const byTitle = await editorWith('python', 'x = 1  # [@Newsl|');
    assert.deepEqual(await completionLabels(byTitle.document, byTitle.selection.active), ['digestToLibrary']);

    // Not in code outside comments, nor after a bare @ in markdown.
    const code = await editorWith('typescript', 'const s = "[@mar|";');
    assert.deepEqual(await completionLabels(code.document, code.selection.active), []);
    const bare = await editorWith('markdown', 'mail me @mar|');
    assert.deepEqual(await completionLabels(bare.document, bare.selection.active), []);

    // The item carries the title and the start of the abstract, and inserts the key.
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      markdown.document.uri,
      markdown.selection.active,
    );
    const item = list.items.find((i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'digestToLibrary');
    assert.ok(item);
    assert.equal(item.detail, 'digestToLibrary');
    assert.match((item.documentation as vscode.MarkdownString).value, /Digest to Library\\: Parsing Daily Paper Newsletters Robustly/);
    assert.match((item.documentation as vscode.MarkdownString).value, /Daily paper newsletters arrive/);
    assert.equal(item.insertText, 'digestToLibrary');
  });

  test('hover on a key in markdown, LaTeX, TypeScript and Python shows the paper with trusted Open Paper / Open Note links only', async () => {
    const cases: [string, string, string][] = [
      ['notes/reading.md', '@digestToLibrary', 'digestToLibrary'],
      ['paper/main.tex', '{digestToLibrary}', 'digestToLibrary'],
      ['src/parser.ts', '@digestToLibrary', 'digestToLibrary'],
      ['src/search.py', '@offlineRelatedPaper', 'offlineRelatedPaper'],
    ];
    for (const [file, needle, key] of cases) {
      const document = await vscode.workspace.openTextDocument(fileUri(file));
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, needle, 3));
      const text = hoverText(hovers);
      const paper = api.library.get(key)!;
      assert.ok(text.includes(markdownEscaped(paper.title.split(':')[0])), `${file}: ${text}`);
      assert.ok(text.includes(`command:marginalia.openPaper?${encodeURIComponent(JSON.stringify([key]))}`), `${file}: ${text}`);
      assert.match(text, /command:marginalia\.openNote/, file);
    }
    const document = await vscode.workspace.openTextDocument(fileUri('notes/reading.md'));
    const [hover] = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      positionOf(document, '@marginalNotes', 2),
    );
    const content = hover.contents[0] as vscode.MarkdownString;
    assert.deepEqual(content.isTrusted, { enabledCommands: ['marginalia.openPaper', 'marginalia.openNote'] });
    assert.notEqual(content.supportHtml, true);
    // Not on text that is no citation.
    const none = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'notACitation', 2));
    assert.equal(hoverText(none).includes('Marginal'), false);
  });

  test("go to definition leads to the paper's line in its digest; keys are document links; Shift+F12 lists the citations", async () => {
    const digest = path.join(workspaceRoot(), 'digests', '2024-03-11_daily-papers.txt');
    const titleLine = fs
      .readFileSync(digest, 'utf8')
      .split(/\r?\n/)
      .findIndex((line) => line.startsWith('Digest to Library:'));
    for (const [file, needle] of [
      ['notes/reading.md', '@digestToLibrary'],
      ['paper/main.tex', '{digestToLibrary'],
      ['src/parser.ts', '@digestToLibrary'],
    ]) {
      const document = await vscode.workspace.openTextDocument(fileUri(file));
      const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        document.uri,
        positionOf(document, needle, 2),
      );
      const targets = locations.map((l) =>
        'targetUri' in l ? { uri: l.targetUri, line: l.targetRange.start.line } : { uri: l.uri, line: l.range.start.line },
      );
      assert.deepEqual(
        targets.map((t) => [t.uri.fsPath, t.line]),
        [[digest, titleLine]],
        file,
      );
    }

    const document = await vscode.workspace.openTextDocument(fileUri('paper/main.tex'));
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', document.uri);
    const keys = links.filter((link) => link.target?.scheme === 'command').map((link) => document.getText(link.range));
    assert.deepEqual(keys, ['digestToLibrary', 'offlineRelatedPaper', 'marginalNotes']);

    const references = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider',
      document.uri,
      positionOf(document, '{digestToLibrary', 3),
    );
    const found = references.map((r) => `${vscode.workspace.asRelativePath(r.uri)}:${r.range.start.line + 1}`).sort();
    assert.ok(
      ['notes/reading.md:5', 'paper/main.tex:3', 'src/parser.ts:1'].every((place) => found.includes(place)),
      found.join(', '),
    );

    const count = await vscode.commands.executeCommand<number>(CommandIds.findCitations, 'digestToLibrary');
    assert.equal(count, 3);
  });

  test("Find References in a markdown note lists each citation once, beside the markdown extension's own link references", async function () {
    this.timeout(60_000);
    // VS Code's markdown extension reads `[@key]` as a link reference and answers too, with the
    // range of `@key`. The references view drops a location that two providers give alike (same
    // file, same range), so that is what counts: each citation must come once, not once with the
    // `@` and once without.
    const file = path.join(workspaceRoot(), 'notes', 'references-once.md');
    fs.writeFileSync(file, 'One [@digestToLibrary] here.\n\nTwo [see @digestToLibrary, p. 2].\n\nA [plain link][home].\n\n[home]: https://example.org\n');
    created.push(file);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const referencesAt = async (needle: string, delta: number) =>
      vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', document.uri, positionOf(document, needle, delta));
    // The markdown extension's language server answers once it has started: a plain reference link,
    // which only it answers for, tells when.
    await waitFor(
      'the markdown extension to answer',
      () => referencesAt('[home]', 2),
      (found) => found.length > 0,
      30_000,
    );
    const references = await referencesAt('@digestToLibrary', 3);
    const all = [
      ...new Set(
        references.map((r) => `${vscode.workspace.asRelativePath(r.uri)}:${r.range.start.line + 1}:${r.range.start.character}-${r.range.end.character}`),
      ),
    ].sort();
    const lines = all.map((place) => place.split(':').slice(0, 2).join(':'));
    assert.deepEqual(
      lines.filter((place) => !place.startsWith('digests/')),
      ['notes/reading.md:5', 'notes/references-once.md:1', 'notes/references-once.md:3', 'paper/main.tex:3', 'src/parser.ts:1'],
      all.join(', '),
    );
    assert.equal(new Set(lines).size, lines.length, `a citation listed twice: ${all.join(', ')}`);
    // The digest's line, the declaration, once as well; in LaTeX and code the range is the key alone.
    assert.equal(lines.filter((place) => place.startsWith('digests/')).length, 1, all.join(', '));
    assert.ok(all.includes('paper/main.tex:3:31-46') && all.includes('src/parser.ts:1:5-20'), all.join(', '));
  });

  test('an unknown key gets a warning with quick fixes offering the nearest keys, in every language', async () => {
    const cases: [string, string, string][] = [
      ['markdown', 'See [@digestToLibary, p. 2].', 'digestToLibary'],
      ['latex', '\\cite{marginalNotes, digestToLibary}', 'digestToLibary'],
      ['typescript', 'x(); // [@digestToLibary] parser', 'digestToLibary'],
      ['python', 'x = 1  # [@digestToLibary]', 'digestToLibary'],
    ];
    for (const [language, text, typo] of cases) {
      const editor = await editorWith(language, text);
      const { document } = editor;
      const diagnostics = await waitFor(
        `a warning in ${language}`,
        () => api.citationFeatures.diagnosticsOf(document.uri),
        (d) => d.length === 1,
      );
      assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Warning);
      assert.equal(document.getText(diagnostics[0].range), typo);
      assert.match(diagnostics[0].message, /Unknown citation key "digestToLibary"/);
      // It is in VS Code's diagnostics too (the Problems panel).
      assert.ok(vscode.languages.getDiagnostics(document.uri).some((d) => d.message === diagnostics[0].message));

      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        document.uri,
        diagnostics[0].range,
        vscode.CodeActionKind.QuickFix.value,
      );
      const ours = actions.filter((action) => action.title.startsWith('Change to '));
      assert.ok(ours.length >= 1, `${language}: ${actions.map((a) => a.title).join(', ')}`);
      assert.match(ours[0].title, /^Change to digestToLibrary \(Digest to Library\)$/);
      assert.ok(ours[0].edit);
      await vscode.workspace.applyEdit(ours[0].edit);
      assert.ok(document.getText().includes('digestToLibrary'));
      await waitFor(
        `the warning in ${language} to go`,
        () => api.citationFeatures.diagnosticsOf(document.uri),
        (d) => d.length === 0,
      );
    }
    // Known keys and bare markdown @mentions (handles, decorators) get no warning: only the one unknown key does.
    const mixed = await editorWith('markdown', 'Thanks @someone for [@marginalNotes] and [@nosuchpaper].');
    const only = await waitFor(
      'the warning on the unknown key',
      () => api.citationFeatures.diagnosticsOf(mixed.document.uri),
      (d) => d.length > 0,
    );
    assert.deepEqual(
      only.map((d) => mixed.document.getText(d.range)),
      ['nosuchpaper'],
    );

    // A key near no key offers a search of the papers, starting with the key's words, which puts the
    // chosen paper's key in its place.
    const far = await editorWith('markdown', 'As shown in [@imitatingHumanThinking], agents think.');
    const [warning] = await waitFor(
      'the warning on the far key',
      () => api.citationFeatures.diagnosticsOf(far.document.uri),
      (d) => d.length === 1,
    );
    const fixes = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      far.document.uri,
      warning.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const search = fixes.find((action) => action.title === 'Search papers for "imitatingHumanThinking"...');
    assert.ok(search?.command, fixes.map((action) => action.title).join(', '));
    let chosen: string | undefined;
    let settled = false;
    void Promise.resolve(vscode.commands.executeCommand<string | undefined>(search.command.command, ...(search.command.arguments ?? []))).then((key) => {
      chosen = key;
      settled = true;
    });
    // Accept the picker's first row once it shows (accepting before it shows does nothing).
    await waitFor('the picker to be accepted', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return settled;
    });
    assert.ok(chosen, 'a paper was chosen');
    assert.match(api.library.get(chosen)?.title ?? '', /Imitating Human Thinking/);
    assert.equal(far.document.getText(), `As shown in [@${chosen}], agents think.`);
  });
});
