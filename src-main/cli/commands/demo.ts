import { Command } from 'commander';
import { dirname, join } from 'node:path';
import { seedSampleLibrary } from '../../demo/sample-library';
import { defaultLibraryPath } from '../../library-path';
import { createServices } from '../../services/index';
import { withCommonOptions, type CommonOptions } from '../context';
import { printJson } from '../output';
import { serveServices } from './serve';

interface DemoOptions extends CommonOptions {
  studies: string;
  serve: boolean;
  port: string;
}

export function demoCommand(): Command {
  return withCommonOptions(new Command('demo'))
    .description('seed a sample library (until the synthetic DICOM demo archive lands) and open it in browser mode')
    .option('--studies <n>', 'number of sample studies', '60')
    .option('--no-serve', 'only seed the library, do not start browser mode')
    .option('--port <n>', 'port for browser mode (0 picks a free one)', '0')
    .action(async (options: DemoOptions) => {
      const path = options.library ?? join(dirname(defaultLibraryPath()), 'demo-library.sqlite');
      const services = createServices(path, 'browser');
      const existing = (services.db.prepare("SELECT count(*) AS n FROM studies WHERE source = 'sample'").get() as { n: number }).n;
      const seeded = existing > 0 ? { patients: 0, studies: 0 } : seedSampleLibrary(services.db, { studies: Number(options.studies) });
      if (!options.serve) {
        if (options.json) printJson({ library: path, seededStudies: seeded.studies, existingStudies: existing });
        else process.stdout.write(`Sample library at ${path}: ${seeded.studies} studies added, ${existing} already there.\n`);
        services.close();
        return;
      }
      await serveServices(services, { ...options, host: '127.0.0.1' });
    });
}
