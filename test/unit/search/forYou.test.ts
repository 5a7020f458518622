import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ForYouFeatures } from '../../../src/core/search/forYou';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import { seedPapers, toDocument } from './searchDocuments';

const papers = seedPapers();
// Three papers about autonomous driving, as a reader would tag them.
const positives = [/^CARIL:/, /^FastRLAP:/, /^RAP: 3D Rasterization/].map((pattern) => {
  const paper = papers.find((candidate) => pattern.test(candidate.title));
  assert.ok(paper, `a seed paper titled ${pattern}`);
  return paper.key;
});
const aboutDriving = /driv|traffic|vehicle/i;
// The tag is in the documents' tags, as the extension indexes it: it must not give the answer away.
const index = SearchIndex.build(papers.map((paper) => toDocument(paper, positives.includes(paper.key) ? ['driving'] : [])));
const features = ForYouFeatures.from(index.documentTerms());
const title = (key: string) => papers.find((paper) => paper.key === key)!.title;

describe('For You', () => {
  test('ranks the other papers about driving first, with the words that weigh most', () => {
    const result = features.rank({ positives, notInterested: [], limit: 5 });
    assert.equal(result.positives, 3);
    assert.equal(result.candidates, papers.length - 3);
    assert.equal(result.hits.length, 5);
    const driving = result.hits.filter((hit) => aboutDriving.test(`${title(hit.key)} ${papers.find((p) => p.key === hit.key)!.abstract}`));
    assert.ok(driving.length >= 3, `top 5: ${result.hits.map((hit) => title(hit.key)).join(' | ')}`);
    for (const hit of result.hits) {
      assert.ok(!positives.includes(hit.key), 'a tagged paper is not recommended');
      assert.ok(hit.words.length > 0, `${title(hit.key)} says why`);
    }
    assert.ok(
      result.hits.slice(0, 2).some((hit) => hit.words.includes('drive')),
      result.hits.map((hit) => hit.words.join(',')).join(' | '),
    );
    for (let i = 1; i < result.hits.length; i++) assert.ok(result.hits[i - 1].score >= result.hits[i].score, 'best first');
  });

  test('papers marked not interested are never recommended, and the ranking is the same every time', () => {
    const first = features.rank({ positives, notInterested: [], limit: 10 });
    const dismissed = first.hits[0].key;
    const second = features.rank({ positives, notInterested: [dismissed], limit: 10 });
    assert.ok(!second.hits.some((hit) => hit.key === dismissed));
    assert.equal(second.candidates, first.candidates - 1);
    assert.deepEqual(features.rank({ positives, notInterested: [], limit: 10 }), first);
  });

  test('a tag with no paper in the library, or papers the index does not hold, give no recommendation', () => {
    assert.deepEqual(features.rank({ positives: [], notInterested: [], limit: 10 }).hits, []);
    assert.deepEqual(features.rank({ positives: ['no-such-key'], notInterested: [], limit: 10 }), {
      hits: [],
      positives: 0,
      candidates: papers.length,
      passes: 0,
    });
    const all = papers.map((paper) => paper.key);
    assert.deepEqual(features.rank({ positives: all, notInterested: [], limit: 10 }).hits, [], 'nothing left to rank');
  });

  test('follows the index: a removed paper is neither trained on nor ranked', () => {
    const copy = SearchIndex.build(papers.map((paper) => toDocument(paper)));
    const removed = features.rank({ positives, notInterested: [], limit: 1 }).hits[0].key;
    copy.remove(removed);
    const result = ForYouFeatures.from(copy.documentTerms()).rank({ positives, notInterested: [], limit: 10 });
    assert.equal(result.candidates, papers.length - 4);
    assert.ok(!result.hits.some((hit) => hit.key === removed));
  });
});
