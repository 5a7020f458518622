// The language-model tools in a real VS Code: each is listed in vscode.lm.tools and answers through
// vscode.lm.invokeTool, as a chat agent would call it, with text that cites papers as [@key]; bad
// input (an empty query, an unknown key, no input at all) gets a sentence back, never an error.
import * as assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import type { MarginaliaApi } from '../../src/extension';
import { ToolNames } from '../../src/host/lm/toolNames';
import { activateMarginalia } from './workspace';

/** Calls a tool as an agent does and gives its answer's text. */
async function invoke(name: string, input: object): Promise<string> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : String((part as { value?: unknown }).value ?? ''))).join('');
}

suite('Language-model tools', () => {
  let api: MarginaliaApi;
  const keyOf = (title: RegExp) => {
    const paper = api.library.papers.find((candidate) => title.test(candidate.title));
    assert.ok(paper, `no paper titled ${title}`);
    return paper.key;
  };

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await activateMarginalia();
    await api.search.ready;
    await api.search.refresh();
  });

  test('the three tools are registered with the descriptions package.json gives', () => {
    const tools = vscode.lm.tools.filter((tool) => tool.name.startsWith('marginalia_'));
    assert.deepEqual(tools.map((tool) => tool.name).sort(), Object.values(ToolNames).sort());
    for (const tool of tools) {
      assert.match(tool.description, /\[@key\]/, tool.name);
      assert.equal((tool.inputSchema as { type?: string } | undefined)?.type, 'object', tool.name);
    }
  });

  test('search papers answers ranked papers as [@key] with title and abstract', async () => {
    const answer = await invoke(ToolNames.searchPapers, { query: 'behavior cloning', limit: 5 });
    const key = keyOf(/^Augmented Behavioral Cloning from Observation$/);
    assert.match(answer, /matching "behavior cloning"/);
    assert.ok(answer.includes(`[@${key}] Augmented Behavioral Cloning from Observation`), answer);
    assert.equal((answer.match(/^\d+\. \[@/gm) ?? []).length, 5, 'the limit is kept');
    assert.match(answer, /Abstract: /);
    const phrase = await invoke(ToolNames.searchPapers, { query: 'title:"behavioral cloning"', limit: 10 });
    assert.ok(phrase.includes(`[@${key}] Augmented Behavioral Cloning from Observation`), phrase);
    assert.ok(!phrase.includes('Thought Cloning'), 'a phrase in quotes keeps only the papers with its words together');
  });

  test('get paper gives key, title, authors, date, tags, links and the whole abstract', async () => {
    const paper = api.library.papers.find((candidate) => candidate.links.some((link) => /github\.com/.test(link)) && candidate.abstract.length > 300);
    assert.ok(paper, 'a seed paper with a code link');
    for (const key of [paper.key, `[@${paper.key}]`, `@${paper.key}`]) {
      const answer = await invoke(ToolNames.getPaper, { key });
      assert.ok(answer.startsWith(`Key: ${paper.key} (cite as [@${paper.key}])`), answer.slice(0, 200));
      assert.ok(answer.includes(`Title: ${paper.title.replace(/\s+/g, ' ').trim()}`));
      assert.match(answer, /^Authors: /m);
      assert.match(answer, /^Date: /m);
      assert.match(answer, /^Tags: /m);
      assert.match(answer, /^Code links: https:\/\/github\.com\//m);
      assert.ok(answer.includes(paper.abstract.slice(0, 200).replace(/\s+/g, ' ')), 'the abstract is there');
    }
  });

  test('related papers lists other papers of the library, not the paper itself', async () => {
    const key = keyOf(/^Thought Cloning/);
    const answer = await invoke(ToolNames.relatedPapers, { key, limit: 4 });
    assert.match(answer, new RegExp(`most related to \\[@${key}\\]`));
    const listed = [...answer.matchAll(/^\d+\. \[@([^\]]+)\]/gm)].map((match) => match[1]);
    assert.equal(listed.length, 4, answer);
    assert.ok(!listed.includes(key));
    for (const other of listed) assert.ok(api.library.get(other), `${other} is a key of the library`);
  });

  test('bad input gets a sentence for the model, never an error', async () => {
    assert.match(await invoke(ToolNames.searchPapers, { query: '   ' }), /query is empty/);
    assert.match(await invoke(ToolNames.searchPapers, { query: 'zzqxv' }), /^No paper in the reader's Marginalia library matches "zzqxv"/);
    assert.match(await invoke(ToolNames.searchPapers, { query: 'C++: a ~survey' }), /^Note: /m);
    assert.match(await invoke(ToolNames.getPaper, { key: 'no-such-paper-2099' }), /has no paper with the key "no-such-paper-2099"/);
    assert.match(await invoke(ToolNames.relatedPapers, { key: '' }), /No citation key was given/);
    assert.match(await invoke(ToolNames.getPaper, {}), /No citation key was given/);
  });
});
