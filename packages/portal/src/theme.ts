/** The colour scheme: the user's choice, the embedding page's (`?theme=`), or the system's. */
export type ThemeMode = 'light' | 'dark' | 'auto';

const STORAGE_KEY = 'switchyard.portal.theme';

function stored(): ThemeMode | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' || v === 'auto' ? v : null;
  } catch {
    return null;
  }
}

/** The mode to start in: a choice made here before, else the embed's `theme`, else the system's. */
export function initialTheme(): ThemeMode {
  const asked = new URLSearchParams(window.location.search).get('theme');
  return stored() ?? (asked === 'light' || asked === 'dark' ? asked : 'auto');
}

/** Applies a mode to the document (`data-theme`), remembering an explicit choice. */
export function applyTheme(mode: ThemeMode, remember = false): void {
  const dark =
    mode === 'dark' || (mode === 'auto' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  if (remember) {
    try {
      window.localStorage.setItem(STORAGE_KEY, mode);
    } catch {
      // Storage refused (a sandboxed frame): the choice lasts until a reload.
    }
  }
}

function channel(hex: string): number {
  const c = Number.parseInt(hex, 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** `#rgb` / `#rrggbb` as `[r, g, b]` hex pairs, or null. */
function pairs(color: string): [string, string, string] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})(?:[0-9a-f]{2})?$/i.exec(color);
  if (!m?.[1]) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [h.slice(0, 2), h.slice(2, 4), h.slice(4, 6)];
}

/** Black or white, whichever reads better on `color` (WCAG relative luminance). */
export function inkOn(color: string): string {
  const p = pairs(color);
  if (!p) return '#ffffff';
  const lum = 0.2126 * channel(p[0]) + 0.7152 * channel(p[1]) + 0.0722 * channel(p[2]);
  return lum > 0.179 ? '#111111' : '#ffffff';
}

/** The user's `primary_color` as the accent of every control (the default accent otherwise). */
export function applyBranding(primary: string | null): void {
  const root = document.documentElement.style;
  if (primary && pairs(primary)) {
    root.setProperty('--sy-primary', primary);
    root.setProperty('--sy-on-primary', inkOn(primary));
  } else {
    root.removeProperty('--sy-primary');
    root.removeProperty('--sy-on-primary');
  }
}
