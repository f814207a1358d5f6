/** What each screen not built yet will hold, and what a user should do first. */
export const PLACEHOLDERS = {
  viewer: {
    title: 'Viewer',
    what: 'A study beside its report: window/level, zoom, pan, stack scroll, series thumbnails, and keyboard labelling.',
    first: 'Import studies into the library, then open one from the Library screen.',
  },
} as const;
