import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUTO_RESUME_ENV, autoResumeWanted } from '../../src-main/training/auto-resume';

test('an interrupted run resumes on start unless --no-resume or CONVIRT_AUTO_RESUME=0 says not to', () => {
  assert.equal(autoResumeWanted(false, {}), true);
  assert.equal(autoResumeWanted(true, {}), false);
  assert.equal(autoResumeWanted(false, { [AUTO_RESUME_ENV]: '0' }), false);
  assert.equal(autoResumeWanted(false, { [AUTO_RESUME_ENV]: '1' }), true);
});
