/** App-wide state: the current screen and what the services say about themselves. */
import type { SystemInfo } from '../../../src-shared/contract/system';
import { api } from '../api';

export const SCREENS = ['library', 'viewer', 'train', 'evaluate', 'search'] as const;
export type Screen = (typeof SCREENS)[number];

export class AppState {
  screen = $state<Screen>('library');
  system = $state<SystemInfo | null>(null);
  systemError = $state<string | null>(null);

  async loadSystem(): Promise<void> {
    const result = await api.system.info({});
    if (result.ok) this.system = result.value;
    else this.systemError = result.error.message;
  }
}
