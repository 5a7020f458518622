// The exported BibTeX and CSL-JSON through the real tools that read them: biber's data-model
// validation, classic BibTeX with plain.bst on a document citing every key, and pandoc's citeproc.
// The tools come from Debian (.ci/run installs them); a missing tool fails its test with the
// apt-get command that provides it, since skipping would let a broken export pass unnoticed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli } from '../../support/cli';
import { repoRoot } from '../../support/paths';

const root = repoRoot;
const seeds = path.join(root, 'seeds');
const hostile = path.join(root, 'test', 'fixtures', 'bib', 'hostile-titles.txt');
const math = path.join(root, 'test', 'fixtures', 'math', 'digests');

/** The Debian package of each tool; scripts/test.mjs names the same ones. */
const PACKAGES: Record<string, string> = { biber: 'biber', bibtex: 'texlive-binaries texlive-base', pandoc: 'pandoc' };

function tool(command: string, args: string[], cwd: string): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(`${command} is not installed: install it with "apt-get install --no-install-recommends ${PACKAGES[command]}" (.ci/run does).`);
  }
  if (result.error) throw result.error;
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

async function cliOut(args: string[], cwd: string): Promise<string> {
  const { code, out, err } = await runCli(args, cwd);
  assert.equal(code, 0, err);
  return out;
}

interface Paper {
  key: string;
  title: string;
  date: { year: number | null } | null;
}

/** Where `title` stands in `text` ignoring case, with every capital of `title` a capital there too. */
function assertTitleRendered(text: string, title: string): void {
  const flat = text.replace(/\s+/g, ' ');
  const at = flat.toLowerCase().indexOf(title.toLowerCase());
  assert.ok(at >= 0, `"${title}" is not in the rendered text:\n${text}`);
  const rendered = flat.slice(at, at + title.length);
  for (let i = 0; i < title.length; i++) {
    if (title[i] !== title[i].toLowerCase()) assert.equal(rendered[i], title[i], `"${rendered}" lost the capital at ${i} of "${title}"`);
  }
}

describe('BibTeX toolchain', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'marginalia-toolchain-'));
  let papers: Paper[] = [];

  before(async () => {
    papers = JSON.parse(await cliOut(['papers', '--json', seeds], dir)) as Paper[];
    writeFileSync(path.join(dir, 'seeds.bib'), await cliOut(['bib', seeds], dir));
    writeFileSync(path.join(dir, 'seeds.json'), await cliOut(['bib', '--csl', seeds], dir));
    const dated = papers.filter((paper) => paper.date?.year != null).map((paper) => paper.key);
    writeFileSync(path.join(dir, 'dated.bib'), await cliOut(['bib', ...dated, seeds], dir));
    writeFileSync(path.join(dir, 'hostile.bib'), await cliOut(['bib', hostile], dir));
    writeFileSync(path.join(dir, 'hostile.json'), await cliOut(['bib', '--csl', hostile], dir));
    writeFileSync(path.join(dir, 'math.bib'), await cliOut(['bib', math], dir));
  });

  test('biber validates the seed papers with a year, and the hostile titles, without an error or a warning', () => {
    for (const file of ['dated.bib', 'hostile.bib']) {
      const { status, stdout, stderr } = tool('biber', ['--tool', '--validate-datamodel', '--output-file', `${file}.out`, file], dir);
      const log = stdout + stderr;
      assert.equal(status, 0, log);
      assert.deepEqual(
        log.split('\n').filter((line) => /^(WARN|ERROR)/.test(line)),
        [],
        `${file}:\n${log}`,
      );
    }
  });

  test('biber validates all seed papers: no error, and a warning only for each paper whose year the digests never give', () => {
    const { status, stdout, stderr } = tool('biber', ['--tool', '--validate-datamodel', '--output-file', 'seeds.bib.out', 'seeds.bib'], dir);
    const log = stdout + stderr;
    assert.equal(status, 0, log);
    const problems = log.split('\n').filter((line) => /^(WARN|ERROR)/.test(line) && !/^WARN - WARNINGS: \d+$/.test(line));
    const undated = new Set(papers.filter((paper) => paper.date?.year == null).map((paper) => paper.key));
    const missingDate = /^WARN - Datamodel: Entry '([^']+)' \(seeds\.bib\): Missing mandatory field - one of 'date, year' must be defined$/;
    assert.deepEqual(
      problems.filter((line) => !missingDate.test(line)),
      [],
    );
    assert.deepEqual(new Set(problems.map((line) => missingDate.exec(line)![1])), undated);
  });

  test('bibtex with plain.bst on a document citing every key: no error, no warning, every entry', () => {
    for (const name of ['seeds', 'hostile']) {
      writeFileSync(path.join(dir, `${name}-doc.aux`), `\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{${name}}\n`);
      const { status, stdout, stderr } = tool('bibtex', [`${name}-doc`], dir);
      const blg = readFileSync(path.join(dir, `${name}-doc.blg`), 'utf8');
      assert.equal(status, 0, stdout + stderr + blg);
      assert.doesNotMatch(blg, /Warning--|error message|I'm skipping/, blg);
      const bbl = readFileSync(path.join(dir, `${name}-doc.bbl`), 'utf8');
      const expected = name === 'seeds' ? papers.length : 3;
      assert.equal((bbl.match(/^\\bibitem\{/gm) ?? []).length, expected);
    }
  });

  test('pandoc citeproc renders a note citing five keys, from the BibTeX and from the CSL-JSON', () => {
    const five = ['3dDiffusionPolicy', 'actJepa', 'vpt', 'pasta', 'dynamo'];
    writeFileSync(
      path.join(dir, 'note.md'),
      `# Reading notes\n\nWe follow [@${five[0]}; @${five[1]}], then @${five[2]} [p. 3], [see @${five[3]}] and [-@${five[4]}].\n`,
    );
    for (const bibliography of ['seeds.bib', 'seeds.json']) {
      const { status, stdout, stderr } = tool('pandoc', ['--citeproc', `--bibliography=${bibliography}`, '-t', 'plain', '--wrap=none', 'note.md'], dir);
      assert.equal(status, 0, stderr);
      assert.equal(stderr, '', `pandoc warned with ${bibliography}`);
      for (const key of five) {
        const paper = papers.find((candidate) => candidate.key === key);
        assert.ok(paper, key);
        assertTitleRendered(stdout, paper.title);
      }
      assert.doesNotMatch(stdout, /\?\?|@[a-z]/, 'every citation resolved');
    }
  });

  test('pandoc renders the hostile titles with their specials, protected capitals and Unicode intact', () => {
    writeFileSync(path.join(dir, 'all.md'), '---\nnocite: "[@*]"\n---\n\nEverything.\n');
    for (const bibliography of ['hostile.bib', 'hostile.json']) {
      const { status, stdout, stderr } = tool('pandoc', ['--citeproc', `--bibliography=${bibliography}`, '-t', 'plain', '--wrap=none', 'all.md'], dir);
      assert.equal(status, 0, stderr);
      // The default style (Chicago) title-cases: only the protected words' case is ours to keep.
      assertTitleRendered(stdout, 'LLMs plan in 3D: GPT-4 and 7B-parameter models meet NeRF, PyTorch and iPhone');
      assertTitleRendered(stdout, 'Costs of 100% & $5: #1 tricks for a_b');
      assertTitleRendered(stdout, 'back\\slash, tilde~ and caret^ in titles');
      assertTitleRendered(stdout, 'Ünïcödé títlés: naïve café, straße, łódź, 中文标题 and emoji 📈 with α-β ≤ Ω');
    }
  });

  test('a sentence-case style lowercases every word but the protected ones: APA in pandoc, plain.bst in BibTeX', () => {
    const apa = '/usr/share/citation-style-language/styles/apa.csl';
    if (!existsSync(apa))
      assert.fail(`${apa} is missing: install it with "apt-get install --no-install-recommends citation-style-language-styles" (.ci/run does).`);
    writeFileSync(path.join(dir, 'all.md'), '---\nnocite: "[@*]"\n---\n\nEverything.\n');
    const { status, stdout, stderr } = tool(
      'pandoc',
      ['--citeproc', '--bibliography=hostile.bib', `--csl=${apa}`, '-t', 'plain', '--wrap=none', 'all.md'],
      dir,
    );
    assert.equal(status, 0, stderr);
    const rendered = stdout.replace(/\s+/g, ' ');
    for (const title of [
      'LLMs plan in 3D: GPT-4 and 7B-parameter models meet NeRF, PyTorch and iPhone.',
      'Costs of 100% & $5: #1 tricks for a_b braces back\\slash, tilde~ and caret^ in titles.',
      'Ünïcödé títlés: Naïve café, straße, łódź, 中文标题 and emoji 📈 with α-β ≤ Ω.',
    ])
      assert.ok(rendered.includes(title), `"${title}" is not in:\n${stdout}`);
    // BibTeX's plain style sentence-cases titles itself: the braces it keeps are exactly ours.
    writeFileSync(path.join(dir, 'sentence.aux'), '\\relax\n\\citation{llmsPlan3d}\n\\bibstyle{plain}\n\\bibdata{hostile}\n');
    assert.equal(tool('bibtex', ['sentence'], dir).status, 0);
    const bbl = readFileSync(path.join(dir, 'sentence.bbl'), 'utf8').replace(/\s+/g, ' ');
    assert.ok(bbl.includes('{LLMs} plan in 3{D}: {GPT}-4 and 7{B}-parameter models meet {NeRF}, {PyTorch} and {iPhone}'), bbl);
  });

  test('titles keep their math as LaTeX math: biber and bibtex read it cleanly, and pandoc typesets it', () => {
    const bib = readFileSync(path.join(dir, 'math.bib'), 'utf8');
    // Braced, so that no style lower-cases inside the formula; prices stay escaped text.
    assert.match(bib, /title = \{A Smooth Sea Never Made a Skilled \{\$\\texttt\{SAILOR\}\$\}: Robust Imitation/);
    assert.match(bib, /title = \{\{\$\\alpha\$\}-Divergence Sampling Is All You Need for \{\$O\(n \\log n\)\$\} Transformers\}/);
    assert.match(bib, /at \\\$0\.031 per demonstration, against \\\$5 for a human one/);
    // A formula with unbalanced braces would end the field: it stays escaped text.
    assert.match(bib, /the bound \\\$\\textbackslash\{\}frac/);

    const biber = tool('biber', ['--tool', '--validate-datamodel', '--output-file', 'math.bib.out', 'math.bib'], dir);
    assert.equal(biber.status, 0, biber.stdout + biber.stderr);
    assert.deepEqual(
      (biber.stdout + biber.stderr).split('\n').filter((line) => /^(WARN|ERROR)/.test(line)),
      [],
    );

    writeFileSync(path.join(dir, 'math-doc.aux'), '\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{math}\n');
    const bibtex = tool('bibtex', ['math-doc'], dir);
    const blg = readFileSync(path.join(dir, 'math-doc.blg'), 'utf8');
    assert.equal(bibtex.status, 0, bibtex.stdout + bibtex.stderr + blg);
    assert.doesNotMatch(blg, /Warning--|error message|I'm skipping/, blg);
    const bbl = readFileSync(path.join(dir, 'math-doc.bbl'), 'utf8').replace(/\s+/g, ' ');
    // plain.bst sentence-cases the title and leaves the braced formulas exactly as written.
    assert.ok(bbl.includes('A smooth sea never made a skilled {$\\texttt{SAILOR}$}: Robust imitation'), bbl);
    assert.ok(bbl.includes('{$\\alpha$}-divergence sampling is all you need for {$O(n \\log n)$} transformers'), bbl);

    writeFileSync(path.join(dir, 'math.md'), '---\nnocite: "[@*]"\n---\n\nEverything.\n');
    const pandoc = tool('pandoc', ['--citeproc', '--bibliography=math.bib', '-t', 'plain', '--wrap=none', 'math.md'], dir);
    assert.equal(pandoc.status, 0, pandoc.stderr);
    assert.match(pandoc.stdout, /Skilled SAILOR: Robust Imitation/, pandoc.stdout);
    assert.match(pandoc.stdout, /α-Divergence Sampling/, pandoc.stdout);
    assert.doesNotMatch(pandoc.stdout, /texttt|\\alpha/, pandoc.stdout);
  });
});
