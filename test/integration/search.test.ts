// Search and related papers in a real VS Code: the Search Papers quick pick on every query form and
// on hostile input, opening a result, the Related view following the active paper and editor, the
// index following a digest written on disk, and a reload that loads the cached index.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { Paper } from '../../src/core/types';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { SearchService } from '../../src/host/search/searchService';
import { SearchWorkerClient } from '../../src/node/search/searchWorkerClient';
import { activateMarginalia, waitFor } from './workspace';

suite('Search and related papers', () => {
  let api: MarginaliaApi;
  const keyOf = (title: RegExp) => {
    const paper = api.library.papers.find((candidate) => title.test(candidate.title));
    assert.ok(paper, `no paper titled ${title}`);
    return paper.key;
  };

  /** Runs Search Papers with `query` typed in, and resolves with the rows once they show that query. */
  async function searchPapers(query: string) {
    await vscode.commands.executeCommand(CommandIds.searchPapers, query);
    const picker = api.searchCommands.picker;
    assert.ok(picker, 'Search Papers opened no quick pick');
    await waitFor(`results for ${JSON.stringify(query)}`, () => picker.shownQuery === query);
    return { picker, items: picker.items, title: picker.title ?? '' };
  }

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await api.search.ready;
    // The library tests before this suite change the library; let the index catch up now.
    await api.search.refresh();
  });

  test('the index holds the library once activation has read it', () => {
    assert.equal(api.search.state, 'ready');
    assert.equal(api.search.lastSync?.documents, api.library.papers.length);
  });

  test('Search Papers finds the expected paper for every query form, with the matched words shown', async () => {
    const cases: [string, RegExp][] = [
      ['behavior cloning', /^Augmented Behavioral Cloning from Observation$/],
      ['title:cloning', /^Chain of Thought Imitation with Procedure Cloning$/],
      ['imit*', /^Imitation Is Not Enough/],
      ['clonning~1', /^Thought Cloning/],
      ['+diffusion -driving', /^Policy-Guided Diffusion$/],
      ['visuo-motor^5 dynamics', /^DynaMo/],
      // A phrase: the worker asks the host for the candidates' text to check the words stand together.
      ['"behavior cloning"', /^Behavioral Cloning via Search in Embedded Demonstration Dataset$/],
    ];
    for (const [query, expected] of cases) {
      const { items, picker, title } = await searchPapers(query);
      const key = keyOf(expected);
      const row = items.find((item) => item.key === key);
      assert.ok(row, `${query}: ${key} is not among ${items.length} rows (${title})`);
      assert.ok(row.alwaysShow, 'rows are ranked by the index, not filtered by the quick pick');
      assert.match(row.detail ?? '', / in (title|abstract)/, `${query}: the matched words are shown`);
      picker.hide();
    }
    const { items } = await searchPapers('title:cloning');
    for (const item of items) assert.match(item.detail ?? '', /^cloning in title$/);
    // Matched words are spelt as the paper has them: "imitate" finds papers that say "imitation".
    const { items: imitate } = await searchPapers('title:imitate');
    assert.ok(
      imitate.some((item) => /^imitation in title$/.test(item.detail ?? '')),
      imitate.map((item) => item.detail).join('\n'),
    );
    const { items: phrase } = await searchPapers('"behavior cloning"');
    assert.ok(phrase.length > 0 && phrase.length < (await searchPapers('+behavior +cloning')).items.length, 'the phrase keeps fewer papers than its words');
    api.searchCommands.picker?.hide();
  });

  test('hostile input shows results or a hint in the quick pick, never an error', async () => {
    for (const query of ['C++: a ~survey', 'title:', '"imitation learning', '***', 'x'.repeat(3000), '$(bug) constructor']) {
      const { items, title, picker } = await searchPapers(query);
      assert.ok(items.length > 0 || /:/.test(title), `${query.slice(0, 20)}: no rows and no hint (${title})`);
      assert.doesNotMatch(title, /failed/);
      picker.hide();
    }
    const { title } = await searchPapers('C++: a ~survey');
    assert.match(title, /"C\+\+" is not a field/);
    api.searchCommands.picker?.hide();
  });

  test('accepting a result opens its paper view', async () => {
    const key = keyOf(/^CARIL/);
    const { picker } = await searchPapers('title:caril');
    assert.equal(picker.items[0]?.key, key);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitFor('the paper view', () => api.panels.activePaperKey === key);
  });

  test('the Related view follows the active paper, and driving papers come first for a driving paper', async () => {
    const key = keyOf(/^Imitation Is Not Enough/);
    await vscode.commands.executeCommand(CommandIds.openPaper, key);
    await waitFor('the Related view to follow the paper', () => {
      const { subject, rows } = api.related.snapshot();
      // Every row a paper of the library: the index may still hold a digest an earlier test removed.
      return subject?.kind === 'paper' && subject.key === key && rows.length === 10 && rows.every((row) => api.library.get(row.key) !== undefined);
    });
    const { rows } = api.related.snapshot();
    assert.ok(!rows.some((row) => row.key === key));
    for (const row of rows.slice(0, 3)) {
      const paper = api.library.get(row.key) as Paper;
      assert.match(`${paper.title} ${paper.abstract}`, /driv|traffic/i, paper.title);
      assert.match(row.description, /\w/, 'the shared words are shown');
    }
  });

  test('Papers Related to Selection relates the selected text, and the view follows an editor', async () => {
    const document = await vscode.workspace.openTextDocument({
      language: 'python',
      content: 'def train_policy():\n    # behavioral cloning from expert demonstrations\n    pass\n',
    });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 0, 1, 60);
    await vscode.commands.executeCommand(CommandIds.relatedToSelection);
    await waitFor('related papers for the selection', () => {
      const { subject, rows } = api.related.snapshot();
      return subject?.kind === 'text' && subject.label === 'the selection' && rows.length > 0;
    });
    const first = api.library.get(api.related.snapshot().rows[0].key) as Paper;
    assert.match(first.title, /clon|imitat|demonstrat/i);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Related Papers from the palette with a key shows that paper in the Related view', async () => {
    const key = keyOf(/^DynaMo/);
    await vscode.commands.executeCommand(CommandIds.relatedPapers, key);
    await api.related.settled();
    const { subject, rows } = api.related.snapshot();
    assert.deepEqual(subject, { kind: 'paper', key });
    assert.ok(rows.length > 0);
  });

  test('a digest written on disk is searchable without a rebuild', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const syncs = api.search.syncCount;
    const file = path.join(folder, 'digests', 'search-test-digest.txt');
    fs.writeFileSync(
      file,
      'Daily Papers\n\nZebrafish Navigation with Spiking Cerebellar Models\n\nWe model how zebrafish larvae navigate currents with a spiking cerebellar circuit, and show that the circuit learns from few demonstrations.\n',
    );
    try {
      let found = false;
      await waitFor(
        'the new paper in the index',
        () => {
          void api.search.search('zebrafish', 5).then((result) => {
            found = result.hits.some((hit) => api.library.get(hit.key)?.title.startsWith('Zebrafish'));
          });
          return found;
        },
        15_000,
      );
      assert.equal(api.search.syncCount, syncs, 'updated in place, not synchronised in full again');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  test('a reload with unchanged digests loads the cached index instead of rebuilding it', async function () {
    this.timeout(60_000);
    // Wait for the removal above to reach the index, so that the cache matches the library.
    await waitFor('the test digest to leave the library', () => !api.library.papers.some((paper) => paper.title.startsWith('Zebrafish')), 15_000);
    await api.search.flush();
    // A window reload makes a new SearchService over the same library and storage: so does this.
    const reloaded = api.createSearchService();
    try {
      await reloaded.ready;
      assert.equal(reloaded.lastSync?.origin, 'cache', JSON.stringify(reloaded.lastSync));
      assert.equal(reloaded.lastSync?.changed, 0);
      assert.equal(reloaded.lastSync?.documents, api.library.papers.length);
      const result = await reloaded.search('title:cloning');
      assert.equal(result.total, 5);
    } finally {
      reloaded.dispose();
    }
  });

  test('indexing a large library leaves the extension host responsive (measured, not asserted)', async function () {
    this.timeout(180_000);
    // 20,000 papers recombined from the library's own sentences.
    const sentences = api.library.papers.flatMap((paper) => paper.abstract.split(/(?<=\.)\s+/)).filter((sentence) => sentence.length > 30);
    const words = api.library.papers.flatMap((paper) => paper.title.split(/\s+/));
    let state = 1;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state / 4294967296;
    };
    const papers: Paper[] = Array.from({ length: 20_000 }, (_, i) => ({
      key: `synthetic${i}`,
      title: Array.from({ length: 8 }, () => words[Math.floor(next() * words.length)]).join(' '),
      abstract: Array.from({ length: 8 }, () => sentences[Math.floor(next() * sentences.length)]).join(' '),
      authors: null,
      submitter: null,
      date: null,
      upvotes: null,
      links: [],
      sources: [],
      aliases: [],
    }));
    const byKey = new Map(papers.map((paper) => [paper.key, paper]));
    const library = {
      papers,
      state: 'ready' as const,
      get: (key: string) => byKey.get(key),
      tagsOf: () => [],
      onDidChange: new vscode.EventEmitter<void>().event,
    };
    const log = vscode.window.createOutputChannel('Marginalia search test', { log: true });
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    const started = performance.now();
    const script = vscode.Uri.joinPath(vscode.extensions.getExtension('marginalia.marginalia')!.extensionUri, 'dist', 'searchWorker.js').fsPath;
    const service = new SearchService(
      library,
      undefined,
      undefined,
      new SearchWorkerClient(
        script,
        () => undefined,
        (message) => log.warn(message),
      ),
      log,
    );
    try {
      await service.ready;
      histogram.disable();
      assert.equal(service.lastSync?.documents, 20_000);
      console.log(
        `      20,000 papers indexed in ${Math.round(performance.now() - started)} ms; extension host event loop delay: max ${(histogram.max / 1e6).toFixed(0)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(0)} ms`,
      );
    } finally {
      service.dispose();
      log.dispose();
    }
  });
});
