import { Command } from 'commander';
import { withCommonOptions } from '../context';
import { CliError } from '../output';

/** Commands whose features have not landed yet: they say so and exit non-zero. */
const PLANNED: { name: string; description: string; issue: string }[] = [
];

export function notBuiltCommands(): Command[] {
  return PLANNED.map(({ name, description, issue }) =>
    withCommonOptions(new Command(name))
      .description(`${description} (not built yet)`)
      .allowUnknownOption(true)
      .allowExcessArguments(true)
      .action(() => {
        throw new CliError(`convirt ${name} is not built yet (planned in the "${issue}" issue).`, 2);
      }),
  );
}
