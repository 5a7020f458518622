import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { SearchIndex, SearchIndexFormatError, type SearchDocument, type SearchHit } from '../../../src/core/search/searchIndex';
import { DEFAULT_NOTE_TEMPLATE, renderNote } from '../../../src/core/notes/noteText';
import { Analyzer } from '../../../src/core/search/analyzer';
import { isGenericInPair, isGenericStem } from '../../../src/core/search/genericWords';
import { seedDocuments, seedPaper, seedPapers, toDocument, topicDocuments } from './searchDocuments';

const titleOf = (key: string) => seedPapers().find((paper) => paper.key === key)?.title ?? key;
const titles = (hits: SearchHit[]) => hits.map((hit) => titleOf(hit.key));

let seedIndexCache: SearchIndex | undefined;
function seedIndex(): SearchIndex {
  seedIndexCache ??= SearchIndex.build(seedDocuments());
  return seedIndexCache;
}

/** What a query returns, in a form two indexes can be compared by (scores rounded against float noise). */
function outcome(index: SearchIndex, query: string) {
  const result = index.search(query, 20);
  return { total: result.total, hints: result.hints, hits: result.hits.map((hit) => ({ key: hit.key, score: hit.score.toFixed(9), matches: hit.matches })) };
}

const QUERIES = [
  'behavior cloning',
  'title:cloning',
  'imit*',
  '*former',
  'cloning~1',
  '+diffusion -driving',
  'diffusion^3 robot',
  '-learning',
  'tags:favourite',
  'note:thoughts',
  'driv* +autonomous',
  'abstract:transformer~1',
];

describe('search: ranking and query forms', () => {
  test('plain words rank papers with them in the title first, and say where each word matched', () => {
    const { hits, hints } = seedIndex().search('behavior cloning', 5);
    assert.deepEqual(hints, []);
    for (const hit of hits) assert.match(titleOf(hit.key), /cloning/i);
    const augmented = hits.find((hit) => titleOf(hit.key) === 'Augmented Behavioral Cloning from Observation');
    assert.ok(augmented, 'the paper with both words in its title is among the first five');
    assert.deepEqual(
      augmented.matches.map((match) => match.word),
      ['behavior', 'cloning'],
    );
    assert.ok(augmented.matches[1].fields.includes('title'));
  });

  test('a field clause looks in that field only', () => {
    const inTitle = seedIndex().search('title:cloning', 50);
    assert.equal(inTitle.total, seedPapers().filter((paper) => /\bclon/i.test(paper.title)).length);
    for (const hit of inTitle.hits)
      assert.deepEqual(
        hit.matches.map((match) => match.fields),
        [['title']],
      );
    assert.ok(seedIndex().search('cloning', 50).total > inTitle.total, 'the word is in more abstracts than titles');
  });

  test('wildcards match words by prefix, suffix or inside, and show the words they matched', () => {
    const prefix = seedIndex().search('imit*', 200);
    assert.ok(prefix.total >= seedPapers().filter((paper) => /\bimit/i.test(`${paper.title} ${paper.abstract}`)).length);
    assert.ok(prefix.hits.every((hit) => hit.matches.every((match) => match.word.startsWith('imit'))));
    const suffix = seedIndex().search('*former', 50);
    assert.ok(suffix.hits.some((hit) => hit.matches.some((match) => match.word === 'transformer')));
    assert.ok(titles(suffix.hits).some((title) => title.startsWith('Neuroformer')));
  });

  test('an edit distance finds a misspelt word', () => {
    assert.equal(seedIndex().search('clonning', 5).total, 0);
    const fuzzy = seedIndex().search('clonning~1', 5);
    assert.ok(fuzzy.total > 0);
    assert.ok(fuzzy.hits.every((hit) => hit.matches.some((match) => match.word === 'cloning')));
  });

  test('a misspelling allowance ranks the word asked for above the words it is a letter away from', () => {
    const { hits, total } = seedIndex().search('cloning~1', 200);
    const hasCloning = (hit: SearchHit) => hit.matches.some((match) => match.word === 'cloning');
    const withCloning = hits.filter(hasCloning).length;
    assert.ok(withCloning > 0 && withCloning < total, 'some papers match through another word (closing, cloning) ');
    assert.ok(
      hits.slice(0, withCloning).every(hasCloning),
      JSON.stringify(hits.map((hit) => [titleOf(hit.key).slice(0, 40), hit.matches.map((match) => match.word)])),
    );
  });

  test('+ requires a word and - excludes one', () => {
    const result = seedIndex().search('+diffusion -driving', 100);
    assert.ok(result.total > 0);
    for (const hit of result.hits) {
      const paper = seedPapers().find((candidate) => candidate.key === hit.key)!;
      const text = `${paper.title} ${paper.abstract}`.toLowerCase();
      assert.ok(text.includes('diffusion'), paper.title);
      assert.ok(!/\bdriv(e|es|ing)\b/.test(text), paper.title);
    }
    const onlyExcluded = seedIndex().search('-learning', 1000);
    assert.equal(onlyExcluded.total, seedPapers().filter((paper) => !/\blearn/i.test(`${paper.title} ${paper.abstract}`)).length);
  });

  test('a boost changes the order', () => {
    const plain = seedIndex().search('diffusion robot', 5).hits;
    const boosted = seedIndex().search('diffusion robot^10', 5).hits;
    assert.notDeepEqual(
      boosted.map((hit) => hit.key),
      plain.map((hit) => hit.key),
    );
    assert.ok(boosted.every((hit) => hit.matches.some((match) => match.word === 'robot')));
  });

  test('tags and note text are searched, alone or with the other fields', () => {
    const documents = seedDocuments();
    const dynamo = documents.findIndex((document) => document.title.startsWith('DynaMo'));
    documents[dynamo] = { ...documents[dynamo], tags: ['favourite', 'to-read'], note: 'My thoughts: compare with zebrafish locomotion.' };
    const index = SearchIndex.build(documents);
    assert.deepEqual(
      index.search('tags:favourite').hits.map((hit) => hit.key),
      [documents[dynamo].key],
    );
    assert.deepEqual(
      index.search('zebrafish').hits.map((hit) => ({ key: hit.key, matches: hit.matches })),
      [{ key: documents[dynamo].key, matches: [{ word: 'zebrafish', fields: ['note'] }] }],
    );
    assert.equal(index.search('note:dynamics').total, 0);
  });
});

describe('search: words', () => {
  test('text with and without non-ASCII letters is split into the same words', () => {
    const index = SearchIndex.build([
      { key: 'a', title: 'Über-Straße: Models of Zürich traffic', abstract: 'CamelCase words, x86_64 and GPT-4o; naïve Bayes.', tags: [], note: '' },
      { key: 'b', title: 'Models of Zurich traffic', abstract: 'CamelCase words, x86_64 and GPT-4o; naive Bayes.', tags: [], note: '' },
    ]);
    for (const [query, keys] of [
      ['straße', ['a']],
      ['zürich', ['a']],
      ['zurich', ['b']],
      ['camelcase', ['a', 'b']],
      ['x86_64', ['a', 'b']],
      ['4o', ['a', 'b']],
      ['naïve', ['a']],
      ['bayes', ['a', 'b']],
    ] as const) {
      assert.deepEqual(
        index
          .search(query)
          .hits.map((hit) => hit.key)
          .sort(),
        [...keys],
        query,
      );
    }
  });
});

describe('search: any input gives results or a hint, never an exception', () => {
  const hostile = [
    'C++: a ~survey',
    'title:',
    '"imitation learning',
    '***',
    '*',
    '~',
    '^',
    '+',
    '-',
    ':',
    'foo:bar',
    'title:*',
    'x~a',
    'x^b',
    'x^-3',
    'a~9',
    '\\',
    '\\\\',
    '"',
    "'",
    '((()))',
    '[]',
    '{',
    '<script>alert(1)</script>',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty:x',
    'title:constructor',
    '\u0000',
    '\ud800',
    '🙂',
    'ÜBER straße',
    'a'.repeat(5000),
    'imitation '.repeat(2000),
    `${'x '.repeat(600)}cloning`,
    '*a*b*c*',
    'title:title:title',
    '+-+-',
    '--x',
    '++x',
    'the a of',
    '   ',
  ];

  for (const text of hostile) {
    test(`${JSON.stringify(text.slice(0, 30))}${text.length > 30 ? '…' : ''}`, () => {
      const result = seedIndex().search(text);
      assert.ok(Array.isArray(result.hits));
      assert.ok(result.hints.every((hint) => typeof hint === 'string' && hint.length < 200));
      if (text.trim() !== '' && text.length < 4000) assert.ok(result.hits.length > 0 || result.hints.length > 0, 'no results and no hint');
    });
  }

  test('text lunr refuses is searched as words, and the hint says so', () => {
    const result = seedIndex().search('C++: a ~survey');
    assert.ok(result.hits.length > 0);
    assert.match(result.hints[0], /"C\+\+" is not a field/);
    assert.match(result.hints.join(' '), /searched for the words instead/);
    assert.match(seedIndex().search('title:').hints[0], /needs a word right after it/);
  });

  test('random text never throws (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 80, unit: fc.constantFrom('a', 'b', ' ', '*', '~', '^', '+', '-', ':', '"', '\\', '1', 'title', 'ü', '🙂') }),
        (text) => {
          const result = seedIndex().search(text);
          assert.ok(Array.isArray(result.hits));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('related papers', () => {
  const drivingText = (key: string) => {
    const paper = seedPapers().find((candidate) => candidate.key === key)!;
    return /driv|traffic|autonomous vehicle/i.test(`${paper.title} ${paper.abstract}`);
  };

  test('imitation learning for autonomous driving brings up driving papers first', () => {
    // [title, how many first papers are all on driving, and how many of the first six are]
    for (const [pattern, first, ofSix] of [
      [/^Imitation Is Not Enough/, 3, 5],
      [/^CARIL/, 2, 3],
    ] as const) {
      const paper = seedPaper(pattern);
      const related = seedIndex().related(paper.key);
      assert.equal(related.length, 10);
      assert.ok(!related.some((hit) => hit.key === paper.key), 'a paper is not related to itself');
      const top = related.slice(0, first);
      assert.ok(
        top.every((hit) => drivingText(hit.key)),
        `${paper.title}: ${JSON.stringify(titles(top))}`,
      );
      assert.ok(related.slice(0, 6).filter((hit) => drivingText(hit.key)).length >= ofSix, `${paper.title}: ${JSON.stringify(titles(related.slice(0, 6)))}`);
      assert.ok(
        related[0].matches.some((match) => /\bdriving\b/.test(match.word)),
        `the shared words say why: ${JSON.stringify(related[0].matches)}`,
      );
    }
  });

  test('the reasons leave out research prose, and keep it only when the papers share nothing else', () => {
    const doc = (key: string, title: string, abstract: string): SearchDocument => ({ key, title, abstract, tags: [], note: '' });
    const prose = 'We propose a novel approach, paving the way for significantly improved results.';
    const filler = Array.from({ length: 12 }, (_, i) => doc(`filler${i}`, `Orbits of planets ${i}`, 'Planets orbit stars in galaxies.'));
    const index = SearchIndex.build([
      doc('a', 'Legged locomotion on rough terrain', `${prose} Quadruped robots walk on rough terrain.`),
      doc('b', 'Quadruped locomotion from video', `${prose} Quadruped robots learn to walk from video.`),
      doc('c', 'Sonnets of the Renaissance', prose),
      doc('d', 'Baroque fugues', prose),
      ...filler,
    ]);
    const words = (hits: SearchHit[], key: string) => hits.find((hit) => hit.key === key)!.matches.map((match) => match.word);
    const ab = words(index.related('a'), 'b');
    assert.ok(
      ab.some((word) => /quadruped|locomotion|terrain|walk/.test(word)),
      JSON.stringify(ab),
    );
    assert.ok(!ab.some((word) => /\b(propose|novel|approach|paving|way|significantly|improved|results)\b/.test(word)), JSON.stringify(ab));
    // Two papers alike only in their phrasing still say what they share.
    const cd = words(index.related('c'), 'd');
    assert.ok(cd.length > 0 && cd.every((word) => /\b(propose|novel|approach|paving|way|significantly|improved|results)\b/.test(word)), JSON.stringify(cd));
  });

  test('no topic of machine learning is taken for research prose through a shared stem', () => {
    const analyzer = new Analyzer();
    for (const word of [
      'demonstrations',
      'experience',
      'generation',
      'generative',
      'critic',
      'following',
      'making',
      'prior',
      'boosting',
      'utility',
      'comprehension',
      'diversity',
      'numerical',
      'representation',
      'world',
      'model',
      'learning',
      'policy',
      'reward',
      'imitation',
      'driving',
      'state',
      'time',
      'source',
      'code',
      'language',
      'data',
      'agent',
      'evaluation',
      'low',
      'high',
      'order',
      'key',
      'current',
    ]) {
      assert.equal(isGenericStem(analyzer.stem(word)), false, word);
    }
    for (const word of ['novel', 'propose', 'significantly', 'outperforms', 'paving', '2024']) assert.equal(isGenericStem(analyzer.stem(word)), true, word);
    // A number says nothing alone, but does beside a name ("GPT 4").
    assert.equal(isGenericInPair(analyzer.stem('4')), false);
    assert.equal(isGenericInPair(analyzer.stem('novel')), true);
  });

  test('a note made from the default template leaves related papers as they were', () => {
    const paper = seedPaper(/^DynaMo/);
    const other = seedPaper(/^Inverse Dynamics Pretraining/);
    const note = renderNote(DEFAULT_NOTE_TEMPLATE, { paper, tags: [], today: '2026-01-01', sources: paper.sources.map((source) => source.file) });
    const withNote = SearchIndex.build(seedDocuments().map((document) => (document.key === paper.key ? { ...document, note } : document)));
    const shown = (index: SearchIndex, key: string) =>
      index.related(key).map((hit) => [hit.key, hit.score.toFixed(9), hit.matches.map((m) => m.word).join(' ')]);
    for (const key of [paper.key, other.key]) assert.deepEqual(shown(withNote, key), shown(seedIndex(), key));
    const updated = SearchIndex.build(seedDocuments());
    updated.upsert({ ...toDocument(paper), note });
    assert.deepEqual(shown(updated, paper.key), shown(seedIndex(), paper.key));
  });

  test('selected text finds papers on its subject; code identifiers are split into words', () => {
    const related = seedIndex().relatedToText('const behaviorCloningPolicy = train(demonstrations) // behavioral cloning from expert demonstrations');
    assert.ok(related.length > 0);
    assert.ok(
      titles(related.slice(0, 3)).every((title) => /clon|imitat|demonstrat/i.test(title)),
      JSON.stringify(titles(related.slice(0, 3))),
    );
    assert.deepEqual(seedIndex().relatedToText('the of and a'), []);
    const note = seedPaper(/^DynaMo/);
    assert.ok(
      !seedIndex()
        .relatedToText('dynamics pretraining visuo-motor control', 10, note.key)
        .some((hit) => hit.key === note.key),
    );
  });

  test('in a library of synthetic topics, related papers share the topic (property)', () => {
    const { documents, topicOf } = topicDocuments(600, 6);
    const index = SearchIndex.build(documents);
    let same = 0;
    let all = 0;
    for (const document of documents.slice(0, 60)) {
      for (const hit of index.related(document.key)) {
        all++;
        if (topicOf.get(hit.key) === topicOf.get(document.key)) same++;
      }
    }
    assert.equal(all, 600);
    assert.ok(same / all > 0.95, `only ${same} of ${all} related papers share the topic`);
  });

  // A small library where two candidates have the same words as the paper, and only one may have two of them side by side.
  const pairLibrary = (candidate: string, other: string, tags: string[] = []): SearchDocument[] => [
    { key: 'paper', title: 'Agents', abstract: 'Behavior cloning. Robots. Demonstrations.', tags, note: '' },
    { key: 'aApart', title: 'Agents', abstract: other, tags: [], note: '' },
    { key: 'bTogether', title: 'Agents', abstract: candidate, tags: [], note: '' },
    ...Array.from({ length: 12 }, (_, i) => ({
      key: `filler${i}`,
      title: `Filler ${i}`,
      abstract: `Gardens and rivers number ${i}, with agents.`,
      tags: [],
      note: '',
    })),
  ];
  const apart = 'Cloning. Robots. Behavior. Demonstrations.';

  test('a word pair shared side by side counts, and is shown as the reason', () => {
    const index = SearchIndex.build(pairLibrary('Robots. Behavior cloning. Demonstrations.', apart));
    const hits = index.related('paper');
    assert.deepEqual(
      hits.slice(0, 2).map((hit) => hit.key),
      ['bTogether', 'aApart'],
    );
    assert.ok(hits[0].score > hits[1].score);
    assert.deepEqual(hits[0].matches[0], { word: 'behavior cloning', fields: ['abstract'] });
    assert.ok(!hits[1].matches.some((match) => match.word.includes(' ')), JSON.stringify(hits[1].matches));
    // The same from a text: the selection's pair finds the paper with the pair first.
    assert.deepEqual(
      index.relatedToText('cloning behavior; behavior cloning', 2, 'paper').map((hit) => hit.key),
      ['bTogether', 'aApart'],
    );
  });

  test('punctuation between two words makes no pair; a stop word between them does not break it', () => {
    // "behavior; cloning" is no pair: the two candidates tie, and the key decides.
    const broken = SearchIndex.build(pairLibrary('Robots. Behavior; cloning. Demonstrations.', apart)).related('paper');
    assert.deepEqual(
      broken.slice(0, 2).map((hit) => hit.key),
      ['aApart', 'bTogether'],
    );
    assert.equal(broken[0].score, broken[1].score);
    // "behavior of cloning" is the pair "behavior cloning" (the index skips "of").
    const across = SearchIndex.build(pairLibrary('Robots. Behavior of cloning. Demonstrations.', apart)).related('paper');
    assert.equal(across[0].key, 'bTogether');
    assert.ok(across[0].score > across[1].score);
  });

  test('two tags make no pair', () => {
    const library = pairLibrary('Robots. Demonstrations.', 'Robots. Demonstrations.', ['behavior', 'cloning']).map((document) => ({
      ...document,
      abstract: document.key === 'paper' ? 'Robots. Demonstrations.' : document.abstract,
      tags: document.key === 'aApart' ? ['behavior', 'cloning'] : document.tags,
    }));
    const hits = SearchIndex.build(library).related('paper');
    assert.equal(hits[0].key, 'aApart');
    assert.ok(
      hits[0].matches.some((match) => match.word === 'behavior'),
      JSON.stringify(hits[0].matches),
    );
    assert.ok(!hits[0].matches.some((match) => match.word.includes(' ')), JSON.stringify(hits[0].matches));
  });

  test('a word in the title weighs more than the same word in the abstract', () => {
    const library: SearchDocument[] = [
      // No two of these words stand side by side: words alone decide.
      { key: 'paper', title: 'Zebrafish', abstract: 'Larvae. Tanks.', tags: [], note: '' },
      { key: 'aInAbstract', title: 'Larvae', abstract: 'Zebrafish. Tanks.', tags: [], note: '' },
      { key: 'bInTitle', title: 'Zebrafish', abstract: 'Larvae. Tanks.', tags: [], note: '' },
      ...Array.from({ length: 12 }, (_, i) => ({ key: `filler${i}`, title: `Filler ${i}`, abstract: `Gardens ${i} and rivers.`, tags: [], note: '' })),
    ];
    assert.deepEqual(
      SearchIndex.build(library)
        .related('paper')
        .slice(0, 2)
        .map((hit) => hit.key),
      ['bInTitle', 'aInAbstract'],
    );
  });

  test('an unknown key has no related papers', () => {
    assert.deepEqual(seedIndex().related('noSuchKey'), []);
  });
});

describe('incremental updates', () => {
  function edited(documents: SearchDocument[], step: number): SearchDocument[] {
    return documents
      .flatMap((document, i) => {
        if (i % step === 0) return [];
        if (i % step === 1) return [{ ...document, note: `Notes on ${document.title}: compare with zebrafish.`, tags: ['read'] }];
        if (i % step === 2) return [{ ...document, title: `${document.title} revisited` }];
        return [document];
      })
      .concat([{ key: 'brandNew', title: 'Zebrafish cloning for autonomous driving', abstract: 'A new paper about imitation.', tags: [], note: '' }]);
  }

  test('updating, adding and removing documents gives the same results as a rebuild', () => {
    const before = seedDocuments();
    const after = edited(before, 7);
    const index = SearchIndex.build(before);
    let changed = 0;
    const keep = new Set(after.map((document) => document.key));
    for (const document of before) if (!keep.has(document.key)) index.remove(document.key);
    for (const document of after) if (index.upsert(document)) changed++;
    assert.equal(changed, after.filter((document, i) => document !== before.find((b) => b.key === document.key) || i < 0).length);
    const rebuilt = SearchIndex.build(after);
    assert.equal(index.size, rebuilt.size);
    assert.equal(index.contentHash, rebuilt.contentHash);
    for (const query of [...QUERIES, 'zebrafish', 'revisited', 'title:revisited', 'zebra*'])
      assert.deepEqual(outcome(index, query), outcome(rebuilt, query), query);
    for (const key of ['brandNew', after[5].key, after[6].key]) {
      assert.deepEqual(
        index.related(key).map((hit) => [hit.key, hit.score.toFixed(9)]),
        rebuilt.related(key).map((hit) => [hit.key, hit.score.toFixed(9)]),
        key,
      );
    }
  });

  test('the same holds across the compaction that many updates trigger', () => {
    const { documents } = topicDocuments(3000, 5, 11);
    const index = SearchIndex.build(documents);
    const after = documents.map((document, i) => (i % 3 === 0 ? { ...document, note: `${document.title} ${document.abstract.slice(0, 40)}` } : document));
    for (const document of after) index.upsert(document);
    for (const document of after.slice(0, 100)) index.remove(document.key);
    const rebuilt = SearchIndex.build(after.slice(100));
    for (const query of ['kalo', 'ka*', 'note:ka*', '+kalo -mine', documents[200].title])
      assert.deepEqual(outcome(index, query), outcome(rebuilt, query), query);
    // Related's words and word pairs too: the pairs of the papers kept are carried through the compaction.
    for (const key of [after[150].key, after[301].key, after[2999].key])
      assert.deepEqual(
        index.related(key).map((hit) => [hit.key, hit.score.toFixed(9), hit.matches.map((match) => match.word).join(', ')]),
        rebuilt.related(key).map((hit) => [hit.key, hit.score.toFixed(9), hit.matches.map((match) => match.word).join(', ')]),
        key,
      );
  });

  test('upsert reports an unchanged document as unchanged', () => {
    const documents = seedDocuments();
    const index = SearchIndex.build(documents);
    assert.equal(index.upsert(documents[3]), false);
    assert.equal(index.upsert({ ...documents[3], tags: ['x'] }), true);
    assert.equal(index.remove('noSuchKey'), false);
  });
});

describe('content hash and serialisation', () => {
  test('the hash is the same for the same library in any order, and changes with any field', () => {
    const documents = seedDocuments();
    const hash = SearchIndex.build(documents).contentHash;
    assert.equal(SearchIndex.build([...documents].reverse()).contentHash, hash);
    const variants: SearchDocument[] = [
      { ...documents[10], note: 'a note' },
      { ...documents[10], tags: ['t'] },
      { ...documents[10], title: `${documents[10].title}.` },
      { ...documents[10], abstract: documents[10].abstract.replace(/a/, 'b') },
    ];
    for (const variant of variants) {
      const changed = documents.map((document, i) => (i === 10 ? variant : document));
      assert.notEqual(SearchIndex.build(changed).contentHash, hash);
    }
    assert.notEqual(SearchIndex.build(documents.slice(1)).contentHash, hash);
  });

  test('an index read back from its bytes answers exactly as the original, also after updates', () => {
    const index = SearchIndex.build(seedDocuments());
    index.upsert({ key: 'brandNew', title: 'Zebrafish cloning', abstract: 'About imitation.', tags: ['fish'], note: 'note text' });
    index.remove(seedDocuments()[0].key);
    const copy = SearchIndex.deserialize(index.serialize());
    assert.equal(copy.contentHash, index.contentHash);
    assert.equal(copy.size, index.size);
    for (const query of [...QUERIES, 'zebrafish', 'tags:fish']) assert.deepEqual(outcome(copy, query), outcome(index, query), query);
    const key = seedDocuments()[5].key;
    assert.deepEqual(copy.related(key), index.related(key));
    // And it can still be updated.
    assert.equal(copy.upsert({ key: 'another', title: 'Zebrafish', abstract: '', tags: [], note: '' }), true);
    assert.equal(copy.search('zebrafish').total, 2);
  });

  test('an empty index round-trips', () => {
    const copy = SearchIndex.deserialize(SearchIndex.build([]).serialize());
    assert.equal(copy.size, 0);
    assert.deepEqual(copy.search('anything').hits, []);
  });

  test('damaged bytes are refused with SearchIndexFormatError', () => {
    const bytes = SearchIndex.build(seedDocuments()).serialize();
    const damaged = [
      new Uint8Array(0),
      bytes.slice(0, bytes.length >> 1),
      bytes.slice(0, 40),
      Uint8Array.from(bytes, (byte, i) => (i > 4 && i < 30 ? 0x41 : byte)),
      new TextEncoder().encode('{"not": "an index"}'),
    ];
    for (const data of damaged) assert.throws(() => SearchIndex.deserialize(data), SearchIndexFormatError);
  });

  test('postings that name a missing document or run past the entries are refused, not read out of bounds', () => {
    const bytes = SearchIndex.build(seedDocuments()).serialize();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as { sections: number[] };
    const pad4 = (n: number) => (n + 3) & ~3;
    const start = (section: number) => 4 + pad4(headerLength) + header.sections.slice(0, section).reduce((sum, n) => sum + pad4(n), 0);
    // Section 6 holds the postings' offsets, section 7 their documents (see SearchIndex.serialize).
    const badDocument = bytes.slice();
    new DataView(badDocument.buffer).setUint32(start(7), 0xffffffff, true);
    const badOffset = bytes.slice();
    new DataView(badOffset.buffer).setUint32(start(6) + 4, 0xffffff, true);
    for (const data of [badDocument, badOffset]) assert.throws(() => SearchIndex.deserialize(data), SearchIndexFormatError);
  });
});

describe('search: math in titles', () => {
  test('a title with LaTeX is found by the word a reader sees and by its source', () => {
    const index = SearchIndex.build([
      { key: 'sailor', title: 'A Smooth Sea Never Made a Skilled $\\texttt{SAILOR}$: Robust Imitation', abstract: 'Learning to search.', tags: [], note: '' },
      { key: 'divergence', title: '$\\alpha$-Divergence Sampling for $O(n \\log n)$ Transformers', abstract: 'Sampling.', tags: [], note: '' },
    ]);
    for (const [query, key] of [
      ['SAILOR', 'sailor'],
      ['sailor', 'sailor'],
      ['texttt', 'sailor'],
      ['title:sailor', 'sailor'],
      ['divergence', 'divergence'],
      ['alpha', 'divergence'],
    ] as const) {
      assert.deepEqual(
        index.search(query).hits.map((hit) => hit.key),
        [key],
        query,
      );
    }
  });
});

describe('search: ranking rules', () => {
  /** Papers that share none of the test's words, so that the words are rare enough to score. */
  const filler = (count: number): SearchDocument[] =>
    Array.from({ length: count }, (_, i) => ({
      key: `filler${i}`,
      title: `Unrelated study ${i}`,
      abstract: 'Planets orbit stars in galaxies.',
      tags: [],
      note: '',
    }));
  const doc = (key: string, title: string, abstract: string): SearchDocument => ({ key, title, abstract, tags: [], note: '' });

  test('a word as typed ranks above another form of its stem, and matches show the form the paper has', () => {
    // Keys in the opposite order: a tie would put the wrong paper first.
    const index = SearchIndex.build([
      doc('a', 'Behavioral priors for robots', 'We learn priors.'),
      doc('z', 'Behavior priors for robots', 'We learn priors.'),
      ...filler(8),
    ]);
    assert.deepEqual(
      index.search('behavior', 2).hits.map((hit) => hit.key),
      ['z', 'a'],
    );
    assert.deepEqual(
      index.search('behavioral', 2).hits.map((hit) => hit.key),
      ['a', 'z'],
    );
    const [, stemOnly] = index.search('behavior', 2).hits;
    assert.deepEqual(stemOnly.matches, [{ word: 'behavioral', fields: ['title'] }]);
  });

  test('matched words are spelt as in the paper, not as the stem or the query', () => {
    const index = SearchIndex.build([doc('p', 'Imitation from video', 'Robots learn by imitation.'), ...filler(4)]);
    assert.deepEqual(index.search('imitate', 1).hits[0].matches, [{ word: 'imitation', fields: ['title', 'abstract'] }]);
  });

  test("a misspelling's neighbour ranks below the word asked for, even in a title and even when rarer", () => {
    const cloning = Array.from({ length: 6 }, (_, i) =>
      doc(`z${i}`, `Study ${i} of agents`, 'Agents learn by behavior cloning from demonstrations of experts.'),
    );
    const index = SearchIndex.build([doc('a', 'Closing the loop', 'Feedback control for robots.'), ...cloning, ...filler(20)]);
    const hits = index.search('cloning~1', 10).hits;
    assert.equal(hits.length, 7);
    assert.equal(hits[6].key, 'a', JSON.stringify(hits.map((hit) => [hit.key, hit.score])));
    assert.deepEqual(hits[6].matches, [{ word: 'closing', fields: ['title'] }]);
  });

  test("a wildcard's words count less than a word typed in full", () => {
    const index = SearchIndex.build([
      doc('a', 'Paper one', 'Robots learn by imitation today.'),
      doc('z', 'Paper two', 'Robots learn by cloning today.'),
      ...filler(8),
    ]);
    assert.deepEqual(
      index.search('imit* cloning', 2).hits.map((hit) => hit.key),
      ['z', 'a'],
    );
  });

  test('a title match counts as one: papers titled "Behavioral Cloning" rank above "Thought Cloning" for behavior cloning', () => {
    const ranked = titles(seedIndex().search('behavior cloning', 10).hits);
    const thought = ranked.findIndex((title) => title.startsWith('Thought Cloning'));
    const titled = ranked.filter((title) => /^(Augmented )?Behavioral Cloning/.test(title));
    assert.equal(titled.length, 3, ranked.join('\n'));
    for (const title of titled) assert.ok(ranked.indexOf(title) < thought, ranked.join('\n'));
  });
});

describe('search: phrases', () => {
  const documents = seedDocuments();
  const byKey = new Map(documents.map((document) => [document.key, document]));
  const textOf = (key: string) => byKey.get(key);
  const adjacent = (key: string, pattern: RegExp) => {
    const paper = byKey.get(key)!;
    return pattern.test(paper.title) || pattern.test(paper.abstract);
  };

  test('a quoted phrase matches only papers with its words side by side, scored as the words', () => {
    const phrase = seedIndex().search('"behavior cloning"', 200, textOf);
    const words = seedIndex().search('+behavior +cloning', 200, textOf);
    assert.deepEqual(phrase.hints, []);
    assert.ok(phrase.total > 0 && phrase.total < words.total, `${phrase.total} of ${words.total}`);
    for (const hit of phrase.hits) assert.ok(adjacent(hit.key, /behavior\w*\W+clon/i), titleOf(hit.key));
    const scores = new Map(words.hits.map((hit) => [hit.key, hit.score]));
    for (const hit of phrase.hits) assert.equal(hit.score, scores.get(hit.key));
    const missing = words.hits.filter((hit) => adjacent(hit.key, /behavior\w*\W+clon/i) && !phrase.hits.some((found) => found.key === hit.key));
    assert.deepEqual(missing, []);
  });

  test('stop words inside a phrase are left out on both sides, and a phrase can take a field, + and -', () => {
    const fromObservation = seedIndex().search('"imitation from observation"', 20, textOf);
    assert.ok(fromObservation.total > 0);
    for (const hit of fromObservation.hits) assert.ok(adjacent(hit.key, /imit\w*\W+(from\W+)?observ/i), titleOf(hit.key));

    const inTitle = seedIndex().search('title:"behavioral cloning"', 50, textOf);
    assert.deepEqual(
      titles(inTitle.hits).sort(),
      seedPapers()
        .filter((paper) => /behavioral cloning/i.test(paper.title))
        .map((paper) => paper.title)
        .sort(),
    );

    const excluded = seedIndex().search('cloning -"thought cloning"', 200, textOf);
    assert.ok(excluded.total > 0);
    assert.ok(!excluded.hits.some((hit) => adjacent(hit.key, /thought\W+cloning/i)));
    assert.equal(
      seedIndex()
        .search('+"thought cloning" diffusion', 200, textOf)
        .hits.every((hit) => adjacent(hit.key, /thought\W+cloning/i)),
      true,
    );
    assert.match(seedIndex().search('+"zebrafish cloning"', 5, textOf).hints.join(' '), /No paper has the phrase "zebrafish cloning"/);
  });

  test('a lone or unclosed quote is read as words, and a phrase without the papers’ text is its words with a hint', () => {
    const words = outcome(seedIndex(), 'behavior cloning');
    for (const query of ['"behavior cloning', 'behavior " cloning', 'behavior cloning"']) {
      const result = seedIndex().search(query, 20, textOf);
      assert.deepEqual(
        result.hits.map((hit) => hit.key),
        words.hits.map((hit) => hit.key),
        query,
      );
    }
    const withoutText = seedIndex().search('"behavior cloning"', 200);
    assert.match(withoutText.hints.join(' '), /Phrases are searched as words here/);
    assert.equal(withoutText.total, seedIndex().search('+behavior +cloning', 200).total);
  });

  test('phraseCandidates lists the papers a phrase search reads, and nothing for a query without a phrase', () => {
    assert.equal(seedIndex().phraseCandidates('behavior cloning'), null);
    const keys = seedIndex().phraseCandidates('"behavior cloning"')!;
    assert.equal(keys.length, seedIndex().search('+behavior +cloning', 500).total);
    const fetched = new Map(keys.map((key) => [key, byKey.get(key)!]));
    assert.deepEqual(
      seedIndex().search('"behavior cloning"', 20, (key) => fetched.get(key)),
      seedIndex().search('"behavior cloning"', 20, textOf),
    );
  });
});
