import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KEY_PATTERN, PANDOC_KEY_PATTERN, isReservedKey, keyCandidates, keyStem } from '../../../src/core/library/citationKey';

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

describe('keyCandidates', () => {
  test('the stem, then the next title words, then a hash: all from the title, none from the year', () => {
    assert.deepEqual(keyCandidates('Genie: Generative Interactive Environments').slice(0, 3), ['genie', 'genieGenerative', 'genieGenerativeInteractive']);
    assert.deepEqual(keyCandidates('Video PreTraining (VPT): Learning to Act by Watching').slice(0, 3), ['vpt', 'vptLearning', 'vptLearningAct']);
    assert.deepEqual(keyCandidates('Data Quality in Imitation Learning').slice(0, 2), ['dataQualityImitation', 'dataQualityImitationLearning']);
    const hashed = keyCandidates('Genie: Generative Interactive Environments').slice(3);
    assert.equal(hashed.length, 2);
    for (const key of hashed) assert.match(key, /^genie[0-9a-z]{4,}$/);
  });

  test('are the same on every call and differ between titles that share a stem', () => {
    assert.deepEqual(keyCandidates('RAFT: Reward Ranked Finetuning'), keyCandidates('RAFT: Reward Ranked Finetuning'));
    assert.notDeepEqual(keyCandidates('RAFT: Reward Ranked Finetuning').at(-2), keyCandidates('RAFT: Recurrent All-Pairs Field Transforms').at(-2));
  });

  test('a title without ASCII words gets a hash on "paper", different per title', () => {
    const emoji = keyCandidates('🤖🚀');
    const other = keyCandidates('🦾🦿');
    const cjk = keyCandidates('深度学习');
    for (const list of [emoji, other, cjk]) {
      assert.equal(list.length, 2);
      for (const key of list) assert.match(key, /^paper[0-9a-z]{4,}$/);
    }
    assert.notEqual(emoji[0], other[0]);
    assert.notEqual(emoji[0], cjk[0]);
  });

  test('never offers a Windows device name', () => {
    for (const name of ['con', 'PRN', 'aux', 'Nul', 'com1', 'LPT9']) assert.ok(isReservedKey(name), name);
    assert.ok(!isReservedKey('console'));
    assert.deepEqual(keyCandidates('CON: Continual Object Navigation').slice(0, 2), ['conContinual', 'conContinualObject']);
    assert.ok(keyCandidates('Aux').every((key) => !isReservedKey(key) && key !== 'aux'));
    assert.ok(keyCandidates('COM1').every((key) => !isReservedKey(key)));
  });

  test('every candidate is valid for BibTeX and pandoc', () => {
    const titles = ['C++: a ~survey', '@home {robots}', 'α-β pruning, revisited', '#1 Model', 'A/B testing: 50% off', '  ', '---', '🤖', 'NUL: Nothing'];
    for (const title of titles) {
      for (const key of keyCandidates(title)) {
        assert.match(key, KEY_PATTERN, title);
        assert.match(key, PANDOC_KEY_PATTERN, title);
      }
    }
  });
});
