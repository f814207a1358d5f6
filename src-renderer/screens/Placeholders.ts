/** What each screen not built yet will hold, and what a user should do first. */
export const PLACEHOLDERS = {
  viewer: {
    title: 'Viewer',
    what: 'A study beside its report: window/level, zoom, pan, stack scroll, series thumbnails, and keyboard labelling.',
    first: 'Import studies into the library, then open one from the Library screen.',
  },
  search: {
    title: 'Search',
    what: 'Find studies by text ("small left pleural effusion") or by an example image, using the embeddings of a trained encoder.',
    first: 'Pretrain an encoder on the Train screen; its embeddings power search.',
  },
} as const;
