import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KEY_PATTERN, PANDOC_KEY_PATTERN, baseKey, keyStem, keySuffix, uniqueKey } from '../../src/core/citationKey';

describe('keyStem', () => {
  const cases: [string, string][] = [
    ['PASTA: Pretrained Action-State Transformer Agents', 'pasta'],
    ['Video PreTraining (VPT): Learning to Act by Watching Unlabeled Online Videos', 'vpt'],
    ['Thought Cloning: Learning to Think while Acting by Imitating Human Thinking', 'thoughtCloning'],
    ['Game On: Towards Language Models as RL Experimenters', 'gameOn'],
    ['DINO-WM: World Models on Pre-trained Visual Features enable Zero-shot Planning', 'dinoWm'],
    ['Data Quality in Imitation Learning', 'dataQualityImitation'],
    ['The Generalization Gap in Offline Reinforcement Learning', 'generalizationGapOffline'],
    ['3D Diffusion Policy', '3dDiffusionPolicy'],
    ['Reinforcement Learning in the Era of LLMs: What is Essential? What is needed?', 'reinforcementLearningEra'],
    ['Schrödinger Bridges für Politik', 'schrodingerBridgesFur'],
    ['深度学习', 'paper'],
    ['', 'paper'],
  ];
  for (const [title, expected] of cases) {
    test(`${JSON.stringify(title)} -> ${expected}`, () => assert.equal(keyStem(title), expected));
  }

  test('drops whole trailing words to stay short', () => {
    const stem = keyStem('Eliciting Compatible Demonstrations for Multi-Human Imitation Learning');
    assert.equal(stem, 'elicitingCompatible');
  });
});

describe('baseKey and uniqueKey', () => {
  test('adds the year when known', () => {
    assert.equal(baseKey('PASTA: Pretrained Action-State Transformer Agents', 2023), 'pasta2023');
    assert.equal(baseKey('PASTA: Pretrained Action-State Transformer Agents', null), 'pasta');
  });

  test('suffixes run a..z, aa..', () => {
    assert.deepEqual([0, 1, 25, 26, 27, 701, 702].map(keySuffix), ['a', 'b', 'z', 'aa', 'ab', 'zz', 'aaa']);
  });

  test('the first free key wins, case-insensitively', () => {
    assert.equal(uniqueKey('pasta', new Set()), 'pasta');
    assert.equal(uniqueKey('pasta', new Set(['pasta'])), 'pastaa');
    assert.equal(uniqueKey('Pasta', new Set(['pasta', 'pastaa'])), 'Pastab');
  });

  test('every generated key is valid for BibTeX and pandoc', () => {
    const titles = ['C++: a ~survey', '@home {robots}', 'α-β pruning, revisited', '#1 Model', 'A/B testing: 50% off', '  ', '---'];
    for (const title of titles) {
      const key = baseKey(title, 2024);
      assert.match(key, KEY_PATTERN, title);
      assert.match(key, PANDOC_KEY_PATTERN, title);
    }
  });
});
