import { Command } from 'commander';
import type { SystemInfo } from '../../../src-shared/contract/system';
import type { LibraryStats } from '../../../src-shared/contract/library';
import { openServices, unwrap, withCommonOptions, type CommonOptions } from '../context';
import { formatTable, printJson } from '../output';
import { selectBackend } from '../../ml/backend/select';

export function infoCommand(): Command {
  return withCommonOptions(new Command('info'))
    .description('version, library location and contents, and the ML backend')
    .action(async (options: CommonOptions) => {
      const services = openServices(options);
      try {
        const info = unwrap(await services.dispatch('system:info', {})) as SystemInfo;
        const stats = unwrap(await services.dispatch('library:stats', {})) as LibraryStats;
        if (options.json) return printJson({ ...info, stats });
        process.stdout.write(
          [
            `${info.appName} ${info.version} (${info.platform}, Node ${info.node})`,
            `Library: ${info.libraryPath} (schema ${info.schemaVersion})`,
            `Contents: ${stats.patients} patients, ${stats.studies} studies, ${stats.series} series, ${stats.instances} images, ${stats.reports} reports, ${stats.labels} labels`,
            `ML backend: ${info.ml.chosen} on ${info.ml.device}`,
          ].join('\n') + '\n',
        );
      } finally {
        services.close();
      }
    });
}

export function backendCommand(): Command {
  return withCommonOptions(new Command('backend'))
    .description('which ML backend the engine runs on, and why each better one was skipped')
    .action(async (options: CommonOptions) => {
      // Loads the backends for real (native libraries, WebAssembly), unlike `info`'s cheap probe.
      const ml = await selectBackend();
      if (options.json) return printJson(ml);
      process.stdout.write(
        `Chosen: ${ml.chosen} on ${ml.device}\n\n${formatTable(
          ['backend', 'available', 'why'],
          ml.candidates.map((c) => [c.name, c.available ? 'yes' : 'no', c.reason]),
          100,
        )}\n`,
      );
    });
}
