/** Display formats for the Train screen. */

/** 75 -> "1 min 15 s"; 4000 -> "1 h 7 min". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** ISO time -> "2026-11-28 05:12" in local time. */
export function formatWhen(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatLoss(loss: number | null): string {
  return loss === null ? '–' : loss.toFixed(4);
}

/** A nested config as dotted paths -> JSON values, for a side-by-side diff. */
export function flattenConfig(config: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (config && typeof config === 'object' && !Array.isArray(config)) {
    for (const [key, value] of Object.entries(config)) {
      for (const [k, v] of flattenConfig(value, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  } else out.set(prefix, JSON.stringify(config));
  return out;
}
