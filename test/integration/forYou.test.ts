// For You in a real VS Code: tagging three papers about autonomous driving and asking for their tag
// fills the For You view with other driving papers, each with the words that weigh most, never a
// tagged one; tagging a recommended paper trains again and takes it off the list.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { CommandIds } from '../../src/host/commandIds';
import { activateMarginalia, waitFor } from './workspace';

const TAG = 'autonomous-driving';

suite('For You', () => {
  let api: MarginaliaApi;
  const keyOf = (title: RegExp) => {
    const paper = api.library.papers.find((candidate) => title.test(candidate.title));
    assert.ok(paper, `no paper titled ${title}`);
    return paper.key;
  };
  const tagged = () => api.library.papers.filter((paper) => api.library.tagsOf(paper.key).includes(TAG)).map((paper) => paper.key);

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await api.search.ready;
    await api.search.refresh();
  });

  suiteTeardown(async () => {
    if (tagged().length > 0) await api.tags.service.remove(tagged(), TAG);
  });

  test('a tag of driving papers recommends other driving papers, with their telling words, and follows new tags', async () => {
    const positives = [/^CARIL:/, /^FastRLAP:/, /^RAP: 3D Rasterization/].map(keyOf);
    assert.deepEqual(await api.tags.service.add(positives, TAG), positives);
    assert.equal(await vscode.commands.executeCommand(CommandIds.forYou, TAG), TAG);
    const first = await waitFor(
      'recommendations for the tag',
      () => api.forYou.snapshot(),
      (snapshot) => snapshot.tag === TAG && snapshot.rows.length > 0,
    );
    assert.equal(first.message, undefined);
    const top = first.rows.slice(0, 5);
    const aboutDriving = top.filter((row) => {
      const paper = api.library.get(row.key)!;
      return /driv|traffic|vehicle/i.test(`${paper.title} ${paper.abstract}`);
    });
    assert.ok(aboutDriving.length >= 3, `top 5: ${top.map((row) => api.library.get(row.key)?.title).join(' | ')}`);
    for (const row of first.rows) {
      assert.ok(!positives.includes(row.key), 'a tagged paper is not recommended');
      assert.ok(row.words.length > 0 && row.description.length > 0, 'each row says why');
    }
    assert.ok(
      top.some((row) => row.words.includes('drive')),
      top.map((row) => row.words.join(',')).join(' | '),
    );

    // Tagging the first recommendation trains again: it leaves the list.
    const best = first.rows[0].key;
    await api.tags.service.add([best], TAG);
    const second = await waitFor(
      'the view to follow the new tag',
      () => api.forYou.snapshot(),
      (snapshot) => snapshot.rows.length > 0 && !snapshot.rows.some((row) => row.key === best),
    );
    assert.ok(second.rows.every((row) => ![...positives, best].includes(row.key)));
  });

  test('a tag no paper has any more says so instead of showing stale papers', async () => {
    await api.tags.service.remove(tagged(), TAG);
    const snapshot = await waitFor(
      'the empty tag message',
      () => api.forYou.snapshot(),
      (current) => current.rows.length === 0 && current.message !== undefined,
    );
    assert.match(snapshot.message ?? '', /No paper has the tag "autonomous-driving"/);
  });
});
