export interface Migration {
  /** Equals the PRAGMA user_version after it ran; 1, 2, 3, ... without gaps. */
  readonly version: number;
  readonly name: string;
  /** SQL executed inside one transaction together with the version bump. */
  readonly up: string;
}
