/**
 * Whether the workstation resumes an interrupted pretraining run by itself
 * when it starts (the app, `convirt serve`). On by default: closing the
 * window must not lose a run. Off with `--no-resume`, or for every start with
 * the setting CONVIRT_AUTO_RESUME=0 in the environment.
 */
export const AUTO_RESUME_ENV = 'CONVIRT_AUTO_RESUME';

export function autoResumeWanted(noResumeFlag: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !noResumeFlag && env[AUTO_RESUME_ENV] !== '0';
}
