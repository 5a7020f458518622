import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseDateLine, parseDigest } from '../../../src/core/digest/parser';
import { extractLinks } from '../../../src/core/digest/links';
import { titleIdentity } from '../../../src/core/text';
import type { DigestEntry, ParsedDigest } from '../../../src/core/types';
import { readSeed } from '../../fixtures/digests/corpus';
import { repoRoot, seedsFolder } from '../../support/paths';

// The four real digests of the issue. Every expectation below was read off the raw files.
const SEEDS = ['000_896f7befaa86139f.txt', '001_4527b1b50237e4c0.txt', '002_7de4789b7565d511.txt', '003_633ab4c5ca64d127.txt'];

function seedText(name: string): string {
  return readFileSync(join(seedsFolder, name), 'utf8');
}

const parsed = new Map<string, ParsedDigest>(SEEDS.map((name) => [name, parseDigest(seedText(name), `seeds/${name}`)]));

function seed(index: number): ParsedDigest {
  return parsed.get(SEEDS[index])!;
}

function byTitle(digest: ParsedDigest, title: string): DigestEntry {
  const found = digest.entries.find((entry) => entry.title === title);
  assert.ok(found, `no entry titled ${JSON.stringify(title)}`);
  return found;
}

describe('the four seeds', () => {
  test('hold 327 entries: 58, 49, 74 and 146', () => {
    assert.deepEqual(
      SEEDS.map((_, i) => seed(i).entries.length),
      [58, 49, 74, 146],
    );
  });

  test('merge into 257 papers by title identity, 47 of them in more than one digest', () => {
    const digestsByTitle = new Map<string, Set<string>>();
    for (const digest of parsed.values()) {
      for (const entry of digest.entries) {
        const id = titleIdentity(entry.title);
        if (!digestsByTitle.has(id)) digestsByTitle.set(id, new Set());
        digestsByTitle.get(id)!.add(digest.file);
      }
    }
    assert.equal(digestsByTitle.size, 257);
    assert.equal([...digestsByTitle.values()].filter((files) => files.size > 1).length, 47);
  });

  test('parse without a single diagnostic', () => {
    for (const digest of parsed.values()) assert.deepEqual(digest.diagnostics, [], digest.file);
  });

  for (const [index, name] of SEEDS.entries()) {
    test(`${name}: every entry, field by field, equals what an independent reader of its layout finds`, () => {
      const expected = readSeed(seedText(name)).map((entry) => ({ ...entry, links: extractLinks(entry.abstract) }));
      assert.deepEqual(seed(index).entries, expected);
    });
  }

  test('read the same with CRLF or lone CR line ends, a BOM, trailing white space and tabs', () => {
    for (const name of SEEDS) {
      const original = seedText(name);
      const expected = parseDigest(original, name);
      const variants = [
        '\ufeff' + original.replace(/\n/g, '\r\n'),
        original.replace(/\n/g, '\r'),
        original
          .split('\n')
          .map((line) => (line ? `${line} \t ` : line))
          .join('\n'),
        original.replace(/^ {2}/gm, '\t'),
      ];
      for (const variant of variants) assert.deepEqual(parseDigest(variant, name), expected);
    }
  });

  test('digest dates come from the lone date in the header; 003 has none', () => {
    assert.deepEqual(
      SEEDS.map((_, i) => seed(i).digestDate),
      [{ month: 3, day: 11 }, { month: 12, day: 9 }, { month: 3, day: 14 }, null],
    );
  });
});

describe('seed 000 (blank lines, one-line abstracts, no metadata)', () => {
  const digest = seed(0);

  test('first and last entries, with the lines of their titles', () => {
    const first = digest.entries[0];
    assert.equal(first.title, 'Thought Cloning: Learning to Think while Acting by Imitating Human Thinking');
    assert.equal(first.line, 11);
    assert.ok(first.abstract.startsWith('Language is often considered a key aspect of human thinking, providing us'));
    const last = digest.entries.at(-1)!;
    assert.equal(last.title, 'Multi-Stage Cable Routing through Hierarchical Imitation Learning');
    assert.equal(last.line, 239);
    assert.ok(last.abstract.startsWith('We study the problem of learning to perform multi-stage robotic manipulation tasks'));
    assert.ok(last.abstract.endsWith(', datasets, and code can be found at https://sites.google.com/view/cablerouting.'));
    assert.deepEqual(last.links, ['https://sites.google.com/view/cablerouting']);
  });

  test('entries carry no metadata', () => {
    for (const entry of digest.entries) {
      assert.deepEqual([entry.authors, entry.submitter, entry.date, entry.upvotes], [null, null, null, null]);
    }
  });

  test('a URL glued to the word before it, and a trailing full stop', () => {
    const entry = digest.entries.find((e) => e.abstract.includes('future researchhttps://'))!;
    assert.ok(entry.abstract.endsWith('Code, models, and data will be released to benefit future researchhttps://github.com/InternLM/OREAL.'));
    assert.deepEqual(entry.links, ['https://github.com/InternLM/OREAL']);
  });

  test('a URL followed by a full stop', () => {
    const entry = byTitle(digest, 'Manipulate by Seeing: Creating Manipulation Controllers from Pre-Trained Representations');
    assert.equal(entry.line, 15);
    assert.deepEqual(entry.links, ['https://agi-labs.github.io/manipulate-by-seeing/']);
  });
});

describe('seed 001 (blank lines, metadata blocks)', () => {
  const digest = seed(1);

  test('first entry: `  • 3 authors` / `·` / `Mar 30, 2021` on lines 17-19', () => {
    const first = digest.entries[0];
    assert.equal(first.title, 'Learning Lipschitz Feedback Policies from Expert Demonstrations: Closed-Loop Guarantees, Generalization and Robustness');
    assert.equal(first.line, 13);
    assert.ok(first.abstract.startsWith('In this work, we propose a framework to learn feedback control policies'));
    assert.ok(first.abstract.endsWith('closed-loop performance can only be made at the expense of robustness to adversarial perturbations.'));
    assert.equal(first.authors, 3);
    assert.equal(first.submitter, null);
    assert.deepEqual(first.date, { year: 2021, month: 3, day: 30 });
    assert.equal(first.upvotes, null);
  });

  test('a date without year', () => {
    const entry = digest.entries[1];
    assert.equal(entry.title, 'Multi-Agent Inverse Q-Learning from Demonstrations');
    assert.equal(entry.line, 21);
    assert.equal(entry.authors, 5);
    assert.deepEqual(entry.date, { year: null, month: 3, day: 6 });
    assert.deepEqual(entry.links, ['https://sites.google.com/view/mamql']);
  });

  test('`Sep 18, 2024 3`: a date with year and an upvote count', () => {
    const entry = byTitle(digest, 'DynaMo: In-Domain Dynamics Pretraining for Visuo-Motor Control');
    assert.equal(entry.line, 73);
    assert.deepEqual([entry.authors, entry.date, entry.upvotes], [5, { year: 2024, month: 9, day: 18 }, 3]);
  });

  test('`Jun 7 2`: a date without year and an upvote count', () => {
    const entry = byTitle(digest, 'Self-Adapting Improvement Loops for Robotic Learning');
    assert.deepEqual([entry.authors, entry.date, entry.upvotes], [5, { year: null, month: 6, day: 7 }, 2]);
  });

  test("an entry with no metadata block keeps nulls and does not take the next entry's", () => {
    const entry = byTitle(digest, 'SwitchVLA: Execution-Aware Task Switching for Vision-Language-Action Models');
    assert.equal(entry.line, 37);
    assert.deepEqual([entry.authors, entry.submitter, entry.date, entry.upvotes], [null, null, null, null]);
    const next = digest.entries[digest.entries.indexOf(entry) + 1];
    assert.equal(next.title, 'NeRF in the Palm of Your Hand: Corrective Augmentation for Robotics via Novel-View Synthesis');
    assert.deepEqual([next.authors, next.date], [5, { year: 2023, month: 1, day: 18 }]);
  });

  test('an organisation line instead of the authors count (`OpenMOSS-Team OpenMOSS`, line 209)', () => {
    const entry = byTitle(digest, 'SRPO: Self-Referential Policy Optimization for Vision-Language-Action Models');
    assert.equal(entry.line, 205);
    assert.deepEqual([entry.authors, entry.submitter, entry.date, entry.upvotes], [null, 'OpenMOSS-Team OpenMOSS', { year: null, month: 11, day: 19 }, 2]);
  });

  test('a link in brackets loses the closing bracket', () => {
    const entry = byTitle(digest, 'GenSim: Generating Robotic Simulation Tasks via Large Language Models');
    assert.ok(entry.abstract.endsWith('See the project website (https://liruiw.github.io/gensim) for code, demos, and videos.'));
    assert.deepEqual(entry.links, ['https://liruiw.github.io/gensim']);
    assert.deepEqual(entry.date, { year: 2023, month: 10, day: 2 });
  });

  test('a title with a dollar-sign formula', () => {
    const entry = byTitle(digest, 'A Smooth Sea Never Made a Skilled $\\texttt{SAILOR}$: Robust Imitation via Learning to Search');
    assert.equal(entry.line, 245);
    assert.deepEqual(entry.links, ['https://github.com/arnavkj1995/SAILOR']);
  });

  test('last entry: `Jun 26 1` at the very end of the file, with no final newline', () => {
    const last = digest.entries.at(-1)!;
    assert.equal(last.title, 'SMMILE: An Expert-Driven Benchmark for Multimodal Medical In-Context Learning');
    assert.equal(last.line, 385);
    assert.ok(last.abstract.endsWith('critical limitations and biases in current MLLMs when learning multimodal medical tasks from context.'));
    assert.deepEqual([last.authors, last.date, last.upvotes], [12, { year: null, month: 6, day: 26 }, 1]);
  });

  test('45 entries have an authors count, one an organisation, three no metadata', () => {
    assert.equal(digest.entries.filter((e) => e.authors !== null).length, 45);
    assert.equal(digest.entries.filter((e) => e.submitter !== null).length, 1);
    assert.equal(digest.entries.filter((e) => e.date === null).length, 3);
  });
});

describe('seed 002 (blank lines, one-line abstracts)', () => {
  const digest = seed(2);

  test('first and last entries', () => {
    assert.equal(digest.entries[0].title, 'Offline Experience Replay for Continual Offline Reinforcement Learning');
    assert.equal(digest.entries[0].line, 11);
    const last = digest.entries.at(-1)!;
    assert.equal(last.title, 'Data Scaling Laws in Imitation Learning for Robotic Manipulation');
    assert.equal(last.line, 303);
    assert.ok(last.abstract.startsWith('Data scaling has revolutionized fields like natural language processing and computer vision'));
    assert.ok(last.abstract.endsWith('achieve approximately 90% success rates in novel environments with unseen objects.'));
  });

  test('the same glued URL as in seed 000', () => {
    const entry = digest.entries.find((e) => e.abstract.includes('researchhttps://'))!;
    assert.deepEqual(entry.links, ['https://github.com/InternLM/OREAL']);
  });
});

describe('seed 003 (no blank lines, boilerplate glued to the first title)', () => {
  const digest = seed(3);

  test('`SubscribeVideo PreTraining (VPT): ...` on line 3 is the first title, without "Subscribe"', () => {
    const first = digest.entries[0];
    assert.equal(first.title, 'Video PreTraining (VPT): Learning to Act by Watching Unlabeled Online Videos');
    assert.equal(first.line, 3);
    assert.ok(first.abstract.startsWith('Pretraining on noisy, internet-scale datasets has been heavily studied as a technique'));
  });

  test('the second entry follows on the very next lines', () => {
    const second = digest.entries[1];
    assert.equal(second.title, 'Interactive Post-Training for Vision-Language-Action Models');
    assert.equal(second.line, 5);
    assert.ok(second.abstract.startsWith('We introduce RIPT-VLA, a simple and scalable reinforcement-learning-based interactive post-training paradigm'));
  });

  test('last entry', () => {
    const last = digest.entries.at(-1)!;
    assert.equal(last.title, 'CARIL: Confidence-Aware Regression in Imitation Learning for Autonomous Driving');
    assert.equal(last.line, 293);
    assert.ok(last.abstract.endsWith('The source code is available at https://github.com/ElaheDlv/Confidence_Aware_IL.'));
    assert.deepEqual(last.links, ['https://github.com/ElaheDlv/Confidence_Aware_IL']);
  });

  test('a link in angle brackets followed by a full stop', () => {
    const entry = byTitle(digest, 'EnerVerse-AC: Envisioning Embodied Environments with Action Condition');
    assert.equal(entry.line, 269);
    assert.ok(entry.abstract.endsWith('<https://annaj2178.github.io/EnerverseAC.github.io>.'));
    assert.deepEqual(entry.links, ['https://annaj2178.github.io/EnerverseAC.github.io']);
  });

  test('a title that is a question', () => {
    const entry = byTitle(digest, 'Is Imitation All You Need? Generalized Decision-Making with Dual-Phase Training');
    assert.ok(entry.abstract.startsWith('We introduce DualMind, a generalist agent'));
  });
});

describe('parseDateLine', () => {
  const cases: [string, ReturnType<typeof parseDateLine>][] = [
    ['Mar 30, 2021', { date: { year: 2021, month: 3, day: 30 }, upvotes: null }],
    ['Mar 6', { date: { year: null, month: 3, day: 6 }, upvotes: null }],
    ['Sep 18, 2024 3', { date: { year: 2024, month: 9, day: 18 }, upvotes: 3 }],
    ['Jun 26 1', { date: { year: null, month: 6, day: 26 }, upvotes: 1 }],
    ['Oct 5, 2023 2', { date: { year: 2023, month: 10, day: 5 }, upvotes: 2 }],
    ['Sept 9', { date: { year: null, month: 9, day: 9 }, upvotes: null }],
    ['December 17, 2024', { date: { year: 2024, month: 12, day: 17 }, upvotes: null }],
    ['Feb 29', { date: { year: null, month: 2, day: 29 }, upvotes: null }],
    ['Feb 30', null],
    ['Mar 0', null],
    ['Mar 32', null],
    ['Mars 3', null],
    ['Mar 3 is a date', null],
    ['', null],
  ];
  for (const [text, expected] of cases) {
    test(JSON.stringify(text), () => assert.deepEqual(parseDateLine(text), expected));
  }
});

describe('files that are not digests', () => {
  test('an empty file: no entries, one warning about the whole file', () => {
    const result = parseDigest('', 'empty.txt');
    assert.deepEqual(result.entries, []);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0].line, 0);
  });

  test('source code is skipped with an error, not read as hundreds of papers', () => {
    const code = readFileSync(join(repoRoot, 'src', 'core', 'digest', 'parser.ts'), 'utf8');
    const result = parseDigest(code, 'digestParser.ts');
    assert.deepEqual(result.entries, []);
    assert.equal(result.diagnostics.length, 1);
    assert.equal(result.diagnostics[0].severity, 'error');
  });
});

describe('submitter and organisation lines of the family', () => {
  const digest = (meta: string) =>
    `Daily Papers\n\nScaling Laws for Tiny Robots\n\nWe study how tiny robots scale with data and compute, and find clean power laws across six orders of magnitude.\n\n${meta}\n\nAnother Paper About Vision Models\n\nThis second abstract says something about vision and ends with a full stop.\n`;
  const cases: [string, string, string][] = [
    ['a handle then a display name, then "·", then the date and upvotes', 'osanseviero Omar Sanseviero\n·\nAug 28, 2022 17', 'osanseviero Omar Sanseviero'],
    ['a handle and a display name and the date on one line', 'osanseviero Omar Sanseviero · Aug 28, 2022 17', 'osanseviero Omar Sanseviero'],
    ['an organisation alone, then the date', 'Google DeepMind\n\nAug 28, 2022 17', 'Google DeepMind'],
    ['an organisation, then "·", then the date', 'NVIDIA\n·\nAug 28, 2022 17', 'NVIDIA'],
  ];
  for (const [what, meta, submitter] of cases) {
    test(`${what}: no paper of its own, and the paper above keeps its date and upvotes`, () => {
      const { entries, diagnostics } = parseDigest(digest(meta), 'family.txt');
      assert.deepEqual(
        entries.map((entry) => entry.title),
        ['Scaling Laws for Tiny Robots', 'Another Paper About Vision Models'],
      );
      assert.equal(entries[0].submitter, submitter);
      assert.deepEqual(entries[0].date, { year: 2022, month: 8, day: 28 });
      assert.equal(entries[0].upvotes, 17);
      assert.deepEqual(diagnostics, []);
    });
  }

  test('a title repeated on the next line is one title, and the repeat is named', () => {
    const title = 'Multi-Agent Inverse Q-Learning from Demonstrations';
    const { entries, diagnostics } = parseDigest(
      `Daily Papers\n\n${title}\n${title}\n\nAn abstract about agents that ends with a full stop here.\n`,
      'dup.txt',
    );
    assert.deepEqual(
      entries.map((entry) => entry.title),
      [title],
    );
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.line),
      [4],
    );
  });

  test('a title whose abstract is missing is named where it joins the next paper', () => {
    const text =
      'Daily Papers\n\nFirst Paper on Robot Hands\nA one-line abstract about robot hands that is long enough to be an abstract and ends here.\nEmotional Speech-Driven Animation with Content-Emotion Disentanglement\nData Scaling Laws in Imitation Learning for Robotic Manipulation\nAnother one-line abstract, about scaling laws in imitation learning, that also ends here.\n';
    const { entries, diagnostics } = parseDigest(text, 'missing.txt');
    const titles = new Set(entries.map((entry) => entry.title));
    const named = new Set(diagnostics.map((diagnostic) => diagnostic.line));
    for (const line of [3, 5, 6])
      assert.ok(titles.has(text.split('\n')[line - 1]) || named.has(line), `line ${line}: ${JSON.stringify(entries)} ${JSON.stringify(diagnostics)}`);
  });
});
