// Which adapter the CLI uses where it runs.
import { describe, expect, test } from '@jest/globals';
import { pickRunner } from './pick.js';

describe('pickRunner', () => {
  test('uses the GitLab adapter in a GitLab job', () => {
    expect(pickRunner({ GITLAB_CI: 'true' }).kind).toBe('gitlab');
  });
  test('stays a terminal program elsewhere, and under --json (stdout keeps the JSON)', () => {
    expect(pickRunner({}).kind).toBe('terminal');
    expect(pickRunner({ GITHUB_ACTIONS: 'true' }).kind).toBe('terminal');
    expect(pickRunner({ GITLAB_CI: 'true' }, { json: true }).kind).toBe('terminal');
  });
});
