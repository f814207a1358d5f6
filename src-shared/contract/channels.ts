/**
 * Channel names only, with no schema library: the sandboxed preload imports
 * this to expose exactly the contract. A unit test keeps it equal to
 * `channelsOf(contract)`.
 */
export const CHANNELS = ['library:listStudies', 'library:getStudy', 'library:stats', 'library:listOptions', 'library:startImport', 'labels:schemas', 'labels:forStudy', 'labels:set', 'labels:neighbour', 'labels:exportCsv', 'labels:importCsv', 'labels:createSchema', 'labels:suggest', 'labels:suggestAll', 'labels:accept', 'search:text', 'search:similar', 'search:models', 'search:map', 'search:zeroShot', 'system:info', 'training:recommend', 'training:presets', 'training:validate', 'training:start', 'training:pause', 'training:resume', 'training:cancel', 'training:listRuns', 'training:getRun', 'viewer:openStudy', 'evaluation:listTasks', 'evaluation:listEncoders', 'evaluation:listResults', 'evaluation:getResult', 'evaluation:run', 'evaluation:listJobs', 'evaluation:cancel'] as const;
export const EVENT_CHANNEL = 'convirt:event';
