export interface Migration {
  /** Equals the PRAGMA user_version after it ran; 1, 2, 3, ... without gaps. */
  readonly version: number;
  readonly name: string;
  /** SQL executed inside one transaction together with the version bump. */
  readonly up: string;
  /**
   * Runs with foreign key enforcement off (it cannot change inside a
   * transaction), for a rebuild of a table others reference; the runner checks
   * every foreign key before committing.
   */
  readonly foreignKeysOff?: boolean;
}
