import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gitRemoteUrls, repositoryId, sameRepository } from '../../../src/core/paperView/repository';

describe('repository URLs', () => {
  test('https, ssh, scp-like and git forms of one GitHub repository are the same', () => {
    const forms = [
      'https://github.com/Example-Org/LLM_Plan3D',
      'https://github.com/example-org/llm_plan3d.git',
      'https://www.github.com/Example-Org/LLM_Plan3D/',
      'https://github.com/Example-Org/LLM_Plan3D/tree/main/src',
      'https://user:token@github.com/Example-Org/LLM_Plan3D.git',
      'http://github.com/Example-Org/LLM_Plan3D#readme',
      'git@github.com:Example-Org/LLM_Plan3D.git',
      'github.com:Example-Org/LLM_Plan3D',
      'ssh://git@github.com/Example-Org/LLM_Plan3D.git',
      'ssh://git@github.com:22/Example-Org/LLM_Plan3D',
      'git://github.com/Example-Org/LLM_Plan3D.git',
    ];
    for (const form of forms) assert.equal(repositoryId(form), 'github.com/example-org/llm_plan3d', form);
  });

  test('GitLab keeps subgroups and stops at /-/; Hugging Face keeps datasets and spaces', () => {
    assert.equal(repositoryId('https://gitlab.com/group/sub/repo/-/tree/main'), 'gitlab.com/group/sub/repo');
    assert.equal(repositoryId('git@gitlab.com:group/sub/repo.git'), 'gitlab.com/group/sub/repo');
    assert.equal(repositoryId('https://huggingface.co/Org/Model'), 'huggingface.co/org/model');
    assert.equal(repositoryId('https://hf.co/datasets/Org/Data/tree/main'), 'huggingface.co/datasets/org/data');
    assert.equal(repositoryId('https://huggingface.co/spaces/org/demo'), 'huggingface.co/spaces/org/demo');
  });

  test('what names no repository gives undefined', () => {
    for (const url of [
      'https://github.com',
      'https://github.com/owner',
      'not a url',
      'file:///home/x/repo',
      'https://huggingface.co/datasets/org',
      'mailto:a@b.c',
      '',
    ]) {
      assert.equal(repositoryId(url), undefined, url);
    }
  });

  test('sameRepository matches a link with a clone remote, including a GitLab file link', () => {
    assert.equal(sameRepository('https://github.com/a/b/blob/main/x.py', 'git@github.com:A/B.git'), true);
    assert.equal(sameRepository('https://github.com/a/b', 'git@github.com:a/c.git'), false);
    assert.equal(sameRepository('https://github.com/a/b', 'git@gitlab.com:a/b.git'), false);
    assert.equal(sameRepository('https://gitlab.com/g/repo/blob/main/x', 'https://gitlab.com/g/repo.git'), true);
    assert.equal(sameRepository('https://github.com', 'https://github.com'), false);
  });

  test('gitRemoteUrls reads the url of every remote section, and nothing else', () => {
    const config = [
      '[core]',
      '\trepositoryformatversion = 0',
      '\turl = https://not-a-remote.example/x/y',
      '[remote "origin"]',
      '\turl = git@github.com:Example-Org/LLM_Plan3D.git',
      '\tfetch = +refs/heads/*:refs/remotes/origin/*',
      '; a comment',
      '[remote "upstream"]',
      '  URL = "https://gitlab.com/g/r.git" # trailing comment',
      '[branch "main"]',
      '\tremote = origin',
    ].join('\r\n');
    assert.deepEqual(gitRemoteUrls(config), ['git@github.com:Example-Org/LLM_Plan3D.git', 'https://gitlab.com/g/r.git']);
    assert.deepEqual(gitRemoteUrls(''), []);
  });
});
