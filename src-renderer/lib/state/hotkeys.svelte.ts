/**
 * The person's keyboard bindings (lib/keys/bindings.ts), configurable on the
 * shortcut sheet and kept in localStorage. Keys are a preference of one
 * person on one machine, while a library file may be shared by several
 * readers or copied between machines, so they are not stored in the
 * library; localStorage works alike in Electron and in browser mode and
 * needs no service or migration.
 */
import { EMPTY_CONFIG, normaliseKey, parseKeyConfig, type KeyConfig } from '../keys/bindings';

const STORAGE_KEY = 'convirt.hotkeys.v1';

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

export class HotkeyState {
  config = $state<KeyConfig>(parseKeyConfig(storage()?.getItem(STORAGE_KEY) ?? null));

  setBinding(id: string, key: string): void {
    this.save({ ...this.config, bindings: { ...this.config.bindings, [id]: normaliseKey(key) } });
  }

  setValueKey(schemaId: number, value: string, key: string): void {
    const forSchema = { ...(this.config.valueKeys[String(schemaId)] ?? {}), [value]: normaliseKey(key) };
    this.save({ ...this.config, valueKeys: { ...this.config.valueKeys, [String(schemaId)]: forSchema } });
  }

  reset(): void {
    this.save(EMPTY_CONFIG);
  }

  private save(config: KeyConfig): void {
    this.config = config;
    try {
      storage()?.setItem(STORAGE_KEY, JSON.stringify(config));
    } catch {
      // A full or disabled storage keeps this session's keys only.
    }
  }
}

export const hotkeys = new HotkeyState();
