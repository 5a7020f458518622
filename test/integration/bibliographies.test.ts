// The reader's own bibliography in a real VS Code: a LaTeX project with its references.bib (authors,
// braces, accents, @inproceedings, @article, @string macros, a crossref) copied into the workspace.
// Its keys are known (no warning), completed, hovered with authors, venue and year, and defined at
// their entry's line; a digest paper that is also an entry is one paper; a broken .bib shows its
// error on the entry's line and its other entries still count.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { waitFor, workspaceRoot, activateMarginalia } from './workspace';

const PROJECT = 'thesis';
const FILES = ['main.tex', 'references.bib', 'broken.bib'];

function projectUri(name: string): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), PROJECT, name));
}

function positionOf(document: vscode.TextDocument, needle: string, delta = 0): vscode.Position {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} not in the document`);
  return document.positionAt(offset + delta);
}

/** The hovers' markdown with its escapes removed, to match plain text. */
function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((hover) => hover.contents.map((part) => (typeof part === 'string' ? part : 'value' in part ? part.value : '')))
    .join('\n')
    .replace(/\\([\\`*_{}[\]()#+\-.!:|<>~$])/g, '$1');
}

async function completions(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position);
  return list.items.filter((item) => item.kind === vscode.CompletionItemKind.Reference);
}

function labelOf(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

suite('Bibliographies: a LaTeX project with its own .bib', () => {
  let api: MarginaliaApi;
  let document: vscode.TextDocument;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    const fixtures = path.join(vscode.extensions.getExtension('marginalia.marginalia')!.extensionPath, 'test', 'fixtures', 'latex-project');
    fs.mkdirSync(path.join(workspaceRoot(), PROJECT), { recursive: true });
    for (const name of FILES) fs.copyFileSync(path.join(fixtures, name), projectUri(name).fsPath);
    await api.bibliographies.reload();
    await waitFor('the .bib entries', () => api.citable.get('chi2023diffusion') !== undefined, 10_000);
    document = await vscode.workspace.openTextDocument(projectUri('main.tex'));
    await vscode.window.showTextDocument(document);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(path.join(workspaceRoot(), PROJECT), { recursive: true, force: true });
    await api.bibliographies.reload();
  });

  test('the keys of references.bib and of the thebibliography get no warning; only the undefined key does', async () => {
    await waitFor('the unknown-key warning', () => api.citationFeatures.diagnosticsOf(document.uri).length > 0, 8000);
    const warned = api.citationFeatures.diagnosticsOf(document.uri).map((diagnostic) => document.getText(diagnostic.range));
    assert.deepEqual(warned, ['noSuchKey2020']);
  });

  test('the unknown-key severity setting: hint, off, and back to warning', async function () {
    this.timeout(20_000);
    const config = vscode.workspace.getConfiguration('marginalia.citations');
    try {
      await config.update('unknownKeySeverity', 'hint', vscode.ConfigurationTarget.Workspace);
      await waitFor('a hint', () => api.citationFeatures.diagnosticsOf(document.uri)[0]?.severity === vscode.DiagnosticSeverity.Hint, 8000);
      await config.update('unknownKeySeverity', 'off', vscode.ConfigurationTarget.Workspace);
      await waitFor('no diagnostic', () => api.citationFeatures.diagnosticsOf(document.uri).length === 0, 8000);
    } finally {
      await config.update('unknownKeySeverity', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the warning again', () => api.citationFeatures.diagnosticsOf(document.uri)[0]?.severity === vscode.DiagnosticSeverity.Warning, 8000);
  });

  test('completion inside \\cite{ offers the .bib keys verbatim, with authors, venue and year', async () => {
    for (const key of ['chi2023diffusion', 'Mueller:2021:LSTM', 'zhao2022-aloha', 'marginalia-notes']) {
      // The cursor after the key's first three characters, as while typing it.
      const labels = (await completions(document, positionOf(document, `${key}}`, 3))).map(labelOf);
      assert.ok(labels.includes(key), `${key} in ${labels.join(', ')}`);
    }
    const mueller = (await completions(document, positionOf(document, 'Mueller:2021:LSTM}', 3))).find((item) => labelOf(item) === 'Mueller:2021:LSTM')!;
    assert.match(String(mueller.detail), /Müller, García et al\. · Journal of Machine Learning Research · 2021/);
  });

  test('hover shows the entry: title with accents decoded, authors, venue from a @string and a crossref, year', async () => {
    const mueller = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'Mueller:2021', 2)),
    );
    assert.match(mueller, /On the LSTM Gradient: A Monte Carlo Study of École-Style Training/);
    assert.match(mueller, /Jörg Müller, María García, Søren Østergaard · Journal of Machine Learning Research · 2021/);
    const zhao = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, positionOf(document, 'zhao2022', 2)),
    );
    assert.match(zhao, /Tony Z\. Zhao, Vikash Kumar · Proceedings of the 6th Conference on Robot Learning · 2022/);
  });

  test('go to definition opens the entry’s line in references.bib (and the digest line of a paper a digest lists too)', async () => {
    const targets = async (needle: string) => {
      const locations = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        document.uri,
        positionOf(document, needle, 3),
      );
      return locations.map((location) =>
        'uri' in location
          ? [path.basename(location.uri.fsPath), location.range.start.line]
          : [path.basename(location.targetUri.fsPath), location.targetRange.start.line],
      );
    };
    const bib = fs.readFileSync(projectUri('references.bib').fsPath, 'utf8').split('\n');
    const lineOf = (start: string) => bib.findIndex((line) => line.startsWith(start));
    assert.deepEqual(await targets('Mueller:2021:LSTM'), [['references.bib', lineOf('@article{Mueller:2021:LSTM,')]]);
    // ALOHA is also a paper of the seed digests: one paper, both places.
    const aloha = await targets('zhao2022-aloha');
    assert.deepEqual(aloha.at(-1), ['references.bib', lineOf('@inproceedings{zhao2022-aloha,')]);
    assert.ok(
      aloha.some(([file]) => String(file).endsWith('.txt')),
      JSON.stringify(aloha),
    );
  });

  test('a digest paper that is also a .bib entry is one paper, with the .bib key as an alias and both sources', async () => {
    const title = 'Marginal Notes: Teaching Language Models to Annotate Scientific Papers for Their Readers';
    const papers = api.citable.papers.filter((paper) => paper.title === title);
    assert.equal(papers.length, 1);
    const [paper] = papers;
    assert.notEqual(paper.key, 'marginalia-notes');
    assert.ok(paper.aliases.includes('marginalia-notes'), paper.aliases.join(', '));
    assert.equal(api.citable.get('marginalia-notes'), paper);
    assert.ok(paper.sources.some((source) => source.file.endsWith('2024-03-11_daily-papers.txt')));
    assert.ok(paper.sources.some((source) => source.file === projectUri('references.bib').fsPath));
    const offered = (await completions(document, positionOf(document, 'marginalia-notes}', 3))).filter((item) => item.filterText?.includes(title));
    assert.equal(offered.length, 1, 'offered once');
    assert.equal(offered[0].insertText, 'marginalia-notes', 'the .bib key, which BibTeX will find');
  });

  test('search finds a .bib entry no digest lists', async () => {
    let keys: string[] = [];
    await waitFor(
      'the entry in the search index',
      () => {
        void api.search.search('title:monte', 5).then((result) => {
          keys = result.hits.map((hit) => hit.key);
        });
        return keys.includes('Mueller:2021:LSTM');
      },
      15_000,
    );
  });

  test('a broken .bib shows an error on the broken entry’s line; its other entries are citable', async () => {
    const uri = projectUri('broken.bib');
    await waitFor('the .bib diagnostic', () => vscode.languages.getDiagnostics(uri).length > 0, 8000);
    const diagnostics = vscode.languages.getDiagnostics(uri);
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostics[0].range.start.line, 6);
    assert.match(diagnostics[0].message, /does not parse/);
    assert.ok(api.citable.get('intactBefore2020'));
    assert.ok(api.citable.get('intactAfter2022'));
    assert.equal(api.citable.get('brokenEntry2021'), undefined);
    // The digest library is untouched by the .bib files.
    assert.equal(api.library.get('chi2023diffusion'), undefined);
  });

  test('a .bib written later, in a folder of its own, is read without a reload', async () => {
    const folder = path.join(workspaceRoot(), 'later-project');
    fs.mkdirSync(folder, { recursive: true });
    try {
      fs.writeFileSync(
        path.join(folder, 'extra.bib'),
        '@article{laterEntry2024,\n  title = {A Bibliography Written After the Window Opened},\n  year = {2024}\n}\n',
      );
      await waitFor('the new .bib entry', () => api.citable.get('laterEntry2024') !== undefined, 10_000);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
    await waitFor('the entry gone with its file', () => api.citable.get('laterEntry2024') === undefined, 10_000);
  });
});
